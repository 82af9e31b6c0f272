import { describe, expect, it } from "vitest";
import { resolveClientAddress, SOCKET_ADDRESS_HEADER, type ClientAddressTrust } from "./client-address";

// Issue 10 item 1: a client chooses its own headers, so none of them may pick its address
// unless the operator said a proxy in front writes them.

const direct: ClientAddressTrust = { trustProxyHops: 0, vercel: false, socketHeaderTrusted: true };
const h = (headers: Record<string, string>) => new Headers(headers);

describe("resolveClientAddress", () => {
  it("with no proxy, takes the socket's address (from server.mjs) and ignores every forwarding header", () => {
    const spoofed = {
      [SOCKET_ADDRESS_HEADER]: "198.51.100.7",
      "x-forwarded-for": "1.2.3.4, 5.6.7.8",
      "x-real-ip": "9.9.9.9",
      "x-vercel-forwarded-for": "8.8.8.8",
    };
    expect(resolveClientAddress(h(spoofed), direct)).toBe("198.51.100.7");
    // IPv4 seen through an IPv6 socket is the same client.
    expect(resolveClientAddress(h({ [SOCKET_ADDRESS_HEADER]: "::ffff:203.0.113.9" }), direct)).toBe("203.0.113.9");
    expect(resolveClientAddress(h({ [SOCKET_ADDRESS_HEADER]: "2001:db8::1" }), direct)).toBe("2001:db8::1");
  });

  it("without server.mjs (plain next start, next dev) knows no address rather than believing a header", () => {
    const plain = { ...direct, socketHeaderTrusted: false };
    expect(resolveClientAddress(h({ [SOCKET_ADDRESS_HEADER]: "198.51.100.7", "x-forwarded-for": "1.2.3.4" }), plain)).toBeNull();
  });

  it("behind N trusted proxies, takes the entry the outermost one added; what the client prepended does not count", () => {
    const oneProxy = { ...direct, trustProxyHops: 1 };
    // nginx appended the peer it saw (203.0.113.5) to what the client sent.
    expect(resolveClientAddress(h({ "x-forwarded-for": "1.1.1.1, 2.2.2.2, 203.0.113.5", [SOCKET_ADDRESS_HEADER]: "10.0.0.2" }), oneProxy)).toBe(
      "203.0.113.5",
    );
    const twoProxies = { ...direct, trustProxyHops: 2 };
    // CDN saw 203.0.113.5, then the load balancer saw the CDN (10.0.0.9).
    expect(resolveClientAddress(h({ "x-forwarded-for": "1.1.1.1, 203.0.113.5, 10.0.0.9" }), twoProxies)).toBe("203.0.113.5");
    // A chain shorter than configured: the leftmost entry is the best there is.
    expect(resolveClientAddress(h({ "x-forwarded-for": "203.0.113.5" }), twoProxies)).toBe("203.0.113.5");
    expect(resolveClientAddress(h({}), oneProxy)).toBeNull();
  });

  it("on Vercel, takes Vercel's own header first", () => {
    const vercel = { ...direct, vercel: true };
    expect(resolveClientAddress(h({ "x-vercel-forwarded-for": "203.0.113.5", "x-forwarded-for": "1.2.3.4", "x-real-ip": "5.6.7.8" }), vercel)).toBe(
      "203.0.113.5",
    );
    expect(resolveClientAddress(h({ "x-real-ip": "203.0.113.6", "x-forwarded-for": "1.2.3.4" }), vercel)).toBe("203.0.113.6");
  });

  it("an entry that is not an IP address is no address", () => {
    const oneProxy = { ...direct, trustProxyHops: 1 };
    for (const junk of ["unknown", "<script>", "1.2.3.4.5", "", "x".repeat(500)]) {
      expect(resolveClientAddress(h({ "x-forwarded-for": junk }), oneProxy), junk).toBeNull();
    }
    expect(resolveClientAddress(h({ "x-forwarded-for": "[2001:db8::5]" }), oneProxy)).toBe("2001:db8::5");
  });
});
