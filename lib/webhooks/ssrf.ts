import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { getConfig } from "@/lib/config";

// SSRF guard. Only globally routable unicast addresses may be called. The check runs when the
// socket connects (a custom `lookup` resolves, checks every address and hands back only checked
// ones), so a DNS answer cannot change between the check and the connection.

const METADATA_ADDRESSES = new Set(["169.254.169.254", "fd00:ec2::254", "100.100.100.200"]);

const RANGE_NAMES: Record<string, string> = {
  unspecified: "an unspecified address",
  broadcast: "a broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address",
  loopback: "a loopback address",
  carrierGradeNat: "a carrier-grade NAT address",
  private: "a private address",
  reserved: "a reserved address",
  uniqueLocal: "a unique-local address",
};

export class SsrfError extends Error {
  override name = "SsrfError";
  readonly code = "ESSRF";
}

/** Why an address may not be called, or null when it is a public unicast address. */
export function forbiddenAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6") return forbiddenIPv6Reason(address, ip as ipaddr.IPv6);
  return forbiddenIPv4Reason(address, ip as ipaddr.IPv4);
}

function forbiddenIPv4Reason(address: string, ip: ipaddr.IPv4): string | null {
  if (METADATA_ADDRESSES.has(ip.toString())) return `${address} is a cloud metadata address`;
  const range = ip.range();
  if (range === "unicast") return null;
  return `${address} is ${RANGE_NAMES[range] ?? `a special-purpose address (${range})`}`;
}

const v6 = (address: string) => ipaddr.IPv6.parse(address);

// IPv6 forms that carry an IPv4 address, which is where the packets end up (translated by a
// NAT64 gateway, tunnelled by a 6to4 relay or a Teredo server, or handed to the IPv4 stack):
// each is judged by the IPv4 address it embeds, so [::7f00:1] is loopback like 127.0.0.1.
type EmbeddingForm = {
  prefix: ipaddr.IPv6;
  bits: number;
  name: string;
  embedded: (parts: number[]) => Array<[number, number]>;
  /** Refused even when what it embeds is public. */
  refused?: true;
};
const EMBEDDING_FORMS: EmbeddingForm[] = [
  { prefix: v6("::ffff:0:0"), bits: 96, name: "IPv4-mapped", embedded: (p) => [[p[6]!, p[7]!]] },
  // RFC 6145 IPv4-translated (::ffff:0:a.b.c.d).
  { prefix: v6("::ffff:0:0:0"), bits: 96, name: "IPv4-translated", embedded: (p) => [[p[6]!, p[7]!]] },
  // RFC 6052 well-known NAT64 prefix: how an IPv6-only host with DNS64 reaches IPv4 receivers.
  { prefix: v6("64:ff9b::"), bits: 96, name: "NAT64", embedded: (p) => [[p[6]!, p[7]!]] },
  // RFC 3056 6to4: 2002:AABB:CCDD::/48 is the site behind IPv4 AA.BB.CC.DD.
  { prefix: v6("2002::"), bits: 16, name: "6to4", embedded: (p) => [[p[1]!, p[2]!]] },
  // RFC 4380 Teredo: 2001:0:<server IPv4>:<flags>:<port>:<client IPv4 XOR ffff:ffff>. Both count.
  { prefix: v6("2001::"), bits: 32, name: "Teredo", embedded: (p) => [[p[2]!, p[3]!], [p[6]! ^ 0xffff, p[7]! ^ 0xffff]] },
  // RFC 4291 IPv4-compatible (::a.b.c.d): deprecated, routed by nothing public, so refused
  // whatever it embeds. :: and ::1 are judged as the IPv6 addresses they are.
  { prefix: v6("::"), bits: 96, name: "IPv4-compatible", embedded: (p) => [[p[6]!, p[7]!]], refused: true },
];

// Local-use NAT64 (RFC 8215) is a site's own network, and where the IPv4 address sits in it
// depends on a prefix length only that site knows: refused as a whole.
const LOCAL_NAT64 = v6("64:ff9b:1::");

function forbiddenIPv6Reason(address: string, ip: ipaddr.IPv6): string | null {
  const normalized = ip.toString();
  if (METADATA_ADDRESSES.has(normalized)) return `${address} is a cloud metadata address`;
  if (ip.match(LOCAL_NAT64, 48)) return `${address} is a local-use NAT64 address`;
  const range = ip.range();
  if (range !== "unspecified" && range !== "loopback") {
    const form = EMBEDDING_FORMS.find((f) => ip.match(f.prefix, f.bits));
    if (form) {
      for (const [high, low] of form.embedded(ip.parts)) {
        const v4 = new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
        const reason = forbiddenIPv4Reason(v4.toString(), v4);
        if (reason) return `${address} is ${reason.replace(`${v4} is `, "")} (${form.name}, embeds ${v4})`;
      }
      return form.refused ? `${address} is a deprecated ${form.name} address` : null;
    }
  }
  if (range === "unicast") return null;
  return `${address} is ${RANGE_NAMES[range] ?? `a special-purpose address (${range})`}`;
}

function refusal(host: string, reason: string): SsrfError {
  const via = isIP(host) ? "" : ` (${host} resolved to it)`;
  return new SsrfError(`Refused to connect: ${reason}${via}; private targets are not allowed`);
}

/** Checks a literal IP host before connecting (Node skips `lookup` for IP literals). */
export function assertAllowedHost(hostname: string, allowPrivate = getConfig().allowPrivateTargets): void {
  const host = stripBrackets(hostname);
  if (allowPrivate || !isIP(host)) return;
  const reason = forbiddenAddressReason(host);
  if (reason) throw refusal(host, reason);
}

/** A `lookup` for http.request that refuses the host when ANY of its addresses is forbidden. */
export function createGuardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      if (!allowPrivate) {
        for (const a of addresses) {
          const reason = forbiddenAddressReason(a.address);
          if (reason) return callback(refusal(hostname, reason), "", 0);
        }
      }
      if (addresses.length === 0) return callback(new Error(`No addresses for ${hostname}`), "", 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

const INTERNAL_HOST = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa|localdomain)$/i;

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * Create/update-time check of an endpoint URL: absolute http(s); in production https only and
 * no private or loopback literal or obviously internal host name. Delivery re-checks the
 * resolved addresses every time, since DNS can change after this passes.
 */
export function validateWebhookUrl(
  raw: string,
  opts: { production?: boolean; allowPrivate?: boolean } = {},
): UrlCheck {
  const config = getConfig();
  const production = opts.production ?? config.production;
  const allowPrivate = opts.allowPrivate ?? config.allowPrivateTargets;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "must be an absolute URL, e.g. https://example.com/webhooks" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, reason: "must use http or https" };
  // With private targets allowed (dev, tests), plain http to a loopback or private address is
  // accepted even in production mode: TLS to one's own machine adds nothing. Public hosts
  // still need https in production.
  if (production && url.protocol !== "https:" && !(allowPrivate && isPrivateHost(stripBrackets(url.hostname)))) {
    return { ok: false, reason: "must use https" };
  }
  if (url.username || url.password) return { ok: false, reason: "must not contain credentials" };
  if (allowPrivate) return { ok: true, url };
  const host = stripBrackets(url.hostname);
  if (isIP(host)) {
    const reason = forbiddenAddressReason(host);
    if (reason) return { ok: false, reason: `must not point at ${reason.replace(`${host} is `, "")}` };
  } else if (INTERNAL_HOST.test(host.replace(/\.$/, "")) || !host.includes(".")) {
    return { ok: false, reason: "must not point at an internal host name" };
  }
  return { ok: true, url };
}

function isPrivateHost(host: string): boolean {
  if (isIP(host)) return forbiddenAddressReason(host) !== null;
  return INTERNAL_HOST.test(host.replace(/\.$/, "")) || !host.includes(".");
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
