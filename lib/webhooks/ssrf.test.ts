import { afterAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { assertAllowedHost, createGuardedLookup, forbiddenAddressReason, validateWebhookUrl } from "./ssrf";

afterAll(resetConfigForTests);

function lookup(host: string, allowPrivate: boolean, all = false) {
  return new Promise<{ err: Error | null; address: unknown }>((resolve) =>
    createGuardedLookup(allowPrivate)(host, { all }, (err, address) => resolve({ err, address })),
  );
}

describe("SSRF guard", () => {
  it.each([
    ["127.0.0.1", /loopback/],
    ["10.1.2.3", /private/],
    ["172.16.0.1", /private/],
    ["192.168.1.1", /private/],
    ["169.254.169.254", /cloud metadata/],
    ["169.254.10.1", /link-local/],
    ["100.100.100.200", /cloud metadata/],
    ["100.64.0.1", /carrier-grade NAT/],
    ["0.0.0.0", /unspecified/],
    ["255.255.255.255", /broadcast/],
    ["224.0.0.1", /multicast/],
    ["240.0.0.1", /reserved/],
    ["::1", /loopback/],
    ["::", /unspecified/],
    ["fe80::1", /link-local/],
    ["fc00::1", /unique-local/],
    ["fd00:ec2::254", /cloud metadata/],
    ["ff02::1", /multicast/],
    ["::ffff:127.0.0.1", /loopback/],
    ["::ffff:10.0.0.1", /private/],
    ["::ffff:169.254.169.254", /cloud metadata/],
    // IPv6 forms judged by the IPv4 address they embed (issue 10, item 3).
    ["::7f00:1", /loopback address \(IPv4-compatible, embeds 127\.0\.0\.1\)/],
    ["::127.0.0.1", /loopback/],
    ["::a9fe:a9fe", /cloud metadata address \(IPv4-compatible, embeds 169\.254\.169\.254\)/],
    ["::a00:1", /private/],
    ["::808:808", /deprecated IPv4-compatible/],
    ["::ffff:0:7f00:1", /loopback address \(IPv4-translated/],
    ["64:ff9b::7f00:1", /loopback address \(NAT64, embeds 127\.0\.0\.1\)/],
    ["64:ff9b::169.254.169.254", /cloud metadata/],
    ["64:ff9b::a00:1", /private/],
    ["64:ff9b:1::808:808", /local-use NAT64/],
    ["64:ff9b:1:7f00:1::", /local-use NAT64/],
    ["2002:7f00:1::1", /loopback address \(6to4, embeds 127\.0\.0\.1\)/],
    ["2002:a9fe:a9fe::", /cloud metadata/],
    ["2002:c0a8:101::1", /private/],
    // Teredo: 2001:0:<server>:<flags>:<port>:<client XOR ffff:ffff>. Client 127.0.0.1 → 80ff:fffe.
    ["2001:0:808:808:0:0:80ff:fffe", /loopback address \(Teredo, embeds 127\.0\.0\.1\)/],
    ["2001:0:808:808:0:0:5601:5601", /cloud metadata address \(Teredo, embeds 169\.254\.169\.254\)/],
    ["2001:0:a00:1:0:0:f7f7:f7f7", /private address \(Teredo, embeds 10\.0\.0\.1\)/],
  ])("refuses %s", (address, reason) => {
    expect(forbiddenAddressReason(address)).toMatch(reason);
  });

  it.each([
    "93.184.215.14",
    "8.8.8.8",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    // An IPv6-only host with DNS64 reaches IPv4-only receivers through NAT64: public ones pass.
    "64:ff9b::808:808",
    "2002:808:808::1",
    "2001:0:808:808:0:0:f7f7:f7f7",
  ])("allows public %s", (address) => {
    expect(forbiddenAddressReason(address)).toBeNull();
  });

  it("refuses a host name when it resolves to loopback, at connect time", async () => {
    const { err } = await lookup("localhost", false);
    expect(err?.message).toMatch(/loopback address \(localhost resolved to it\); private targets are not allowed/);
  });

  // Send time: an IP literal is checked before connecting, a name by the socket's lookup (which
  // hands a literal back as its own answer, so the same corpus exercises that path too).
  it.each(["::7f00:1", "::a9fe:a9fe", "64:ff9b::a00:1", "2002:7f00:1::1", "2001:0:808:808::80ff:fffe"])(
    "refuses %s at send time, as a literal and through the guarded lookup",
    async (address) => {
      expect(() => assertAllowedHost(`[${address}]`, false)).toThrow(/Refused to connect: .*embeds/);
      const { err } = await lookup(address, false);
      expect(err?.message).toMatch(/Refused to connect: .*embeds/);
    },
  );

  it("hands back the checked addresses in both lookup forms when private targets are allowed", async () => {
    const one = await lookup("localhost", true);
    expect(one.err).toBeNull();
    expect(typeof one.address).toBe("string");
    const all = await lookup("localhost", true, true);
    expect(Array.isArray(all.address)).toBe(true);
  });

  describe("validateWebhookUrl", () => {
    const prod = { production: true, allowPrivate: false };
    it.each([
      ["https://hooks.example.com/in", prod, true],
      ["http://hooks.example.com/in", prod, false],
      ["https://127.0.0.1/in", prod, false],
      ["https://[::1]/in", prod, false],
      ["https://169.254.169.254/latest", prod, false],
      ["https://10.0.0.8/in", prod, false],
      ["https://localhost/in", prod, false],
      ["https://api.internal/in", prod, false],
      ["https://intranet/in", prod, false],
      ["https://user:pass@hooks.example.com/", prod, false],
      ["ftp://hooks.example.com/", prod, false],
      ["not a url", prod, false],
      ["http://localhost:4000/in", { production: false, allowPrivate: true }, true],
      ["http://127.0.0.1:4000/in", { production: true, allowPrivate: true }, true],
      ["http://localhost:4000/in", { production: true, allowPrivate: true }, true],
      ["http://hooks.example.com/in", { production: true, allowPrivate: true }, false],
      ["http://hooks.example.com/in", { production: false, allowPrivate: false }, true],
      ["http://127.0.0.1/in", { production: false, allowPrivate: false }, false],
    ])("%s (%o) → allowed: %s", (url, opts, ok) => {
      const result = validateWebhookUrl(url, opts);
      expect(result.ok).toBe(ok);
      if (!result.ok) expect(result.reason).toMatch(/^must /);
    });
  });
});
