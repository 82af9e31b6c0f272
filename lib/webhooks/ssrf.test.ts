import { afterAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { createGuardedLookup, forbiddenAddressReason, validateWebhookUrl } from "./ssrf";

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
  ])("refuses %s", (address, reason) => {
    expect(forbiddenAddressReason(address)).toMatch(reason);
  });

  it.each(["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("allows public %s", (address) => {
    expect(forbiddenAddressReason(address)).toBeNull();
  });

  it("refuses a host name when it resolves to loopback, at connect time", async () => {
    const { err } = await lookup("localhost", false);
    expect(err?.message).toMatch(/loopback address \(localhost resolved to it\); private targets are not allowed/);
  });

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
