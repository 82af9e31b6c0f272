import ipaddr from "ipaddr.js";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { processSlot } from "@/lib/singleton";

// The one place that decides who the client is, for the per-address limits. A forwarded header
// is believed only as far as the operator says proxies stand in front (TRUST_PROXY_HOPS), or on
// Vercel its own header; otherwise the address is the TCP peer's, which server.mjs (npm start)
// copies into SOCKET_ADDRESS_HEADER after deleting any copy the client sent. `next start` alone
// cannot tell us the peer: it only fills X-Forwarded-For when the client left it out.

export const SOCKET_ADDRESS_HEADER = "x-partnersmy-socket-address";

export interface ClientAddressTrust {
  /** Proxies in front of the app that each append the address they saw to X-Forwarded-For. */
  trustProxyHops: number;
  /** On Vercel: its edge overwrites the client-address headers. */
  vercel: boolean;
  /** server.mjs wrote SOCKET_ADDRESS_HEADER (so a client's own copy is gone). */
  socketHeaderTrusted: boolean;
}

/** The client's address as configured, or null when nothing trustworthy says it. */
export function clientIp(headers: Headers): string | null {
  const trust = getConfig().clientAddress;
  const address = resolveClientAddress(headers, trust);
  if (address === null) warnUnknownOnce();
  return address;
}

export function resolveClientAddress(headers: Headers, trust: ClientAddressTrust): string | null {
  if (trust.vercel) {
    return normalise(first(headers.get("x-vercel-forwarded-for")) ?? headers.get("x-real-ip") ?? first(headers.get("x-forwarded-for")));
  }
  if (trust.trustProxyHops > 0) {
    // Each trusted proxy appended the address it saw; the entry `hops` from the right is the one
    // our outermost proxy saw. Anything further left is whatever the client claimed.
    const entries = (headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    if (entries.length === 0) return null;
    return normalise(entries[Math.max(0, entries.length - trust.trustProxyHops)]);
  }
  return trust.socketHeaderTrusted ? normalise(headers.get(SOCKET_ADDRESS_HEADER)) : null;
}

function first(value: string | null): string | undefined {
  return value?.split(",")[0]?.trim() || undefined;
}

// "::ffff:203.0.113.9" and "203.0.113.9" are one client; anything that is not an address is none.
function normalise(value: string | null | undefined): string | null {
  if (!value) return null;
  const bare = value.trim().replace(/^\[(.*)\]$/, "$1");
  if (!ipaddr.isValid(bare)) return null;
  return ipaddr.process(bare).toString();
}

const warned = processSlot("warnedUnknownClientAddress");

function warnUnknownOnce() {
  if (warned.get() || !getConfig().production) return;
  warned.set(true);
  log.warn(
    "client addresses are unknown, so per-address limits are off: start with `npm start` (server.mjs), or set TRUST_PROXY_HOPS behind a proxy",
  );
}
