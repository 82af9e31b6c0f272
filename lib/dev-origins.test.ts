import type os from "node:os";
import { describe, expect, test } from "vitest";
import { devAllowedOrigins } from "./dev-origins";

describe("devAllowedOrigins", () => {
  test("loopback, this machine's name and addresses (IPv6 in brackets, as in a URL) and DEV_ALLOWED_HOSTS", () => {
    const interfaces: ReturnType<typeof os.networkInterfaces> = {
      lo: [
        { address: "127.0.0.1", family: "IPv4", internal: true, netmask: "255.0.0.0", mac: "00:00:00:00:00:00", cidr: "127.0.0.1/8" },
        { address: "::1", family: "IPv6", internal: true, netmask: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", mac: "00:00:00:00:00:00", cidr: "::1/128", scopeid: 0 },
      ],
      eth0: [
        { address: "192.168.1.23", family: "IPv4", internal: false, netmask: "255.255.255.0", mac: "02:42:ac:11:00:02", cidr: "192.168.1.23/24" },
        { address: "fe80::42:acff:fe11:2", family: "IPv6", internal: false, netmask: "ffff:ffff:ffff:ffff::", mac: "02:42:ac:11:00:02", cidr: "fe80::42:acff:fe11:2/64", scopeid: 2 },
      ],
    };
    const hosts = devAllowedOrigins(interfaces, "Dev-Box", " tunnel.example.dev, *.lan ,");
    expect(hosts).toEqual(["127.0.0.1", "[::1]", "dev-box", "192.168.1.23", "[fe80::42:acff:fe11:2]", "tunnel.example.dev", "*.lan"]);
  });

  test("with no extra hosts set, still loopback and the machine's own addresses", () => {
    const hosts = devAllowedOrigins({}, "box", undefined);
    expect(hosts).toEqual(["127.0.0.1", "[::1]", "box"]);
  });
});
