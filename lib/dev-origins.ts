import os from "node:os";

// The hosts `next dev` serves its scripts and hot reload to. Next 16 allows only localhost by
// default, so a page opened at 127.0.0.1 or at this machine's address from another device never
// hydrates. Read by next.config.ts; production (`next start`) ignores the list.
// DEV_ALLOWED_HOSTS adds more, comma-separated (a tunnel or a LAN name, `*.example.dev` patterns).

type Interfaces = ReturnType<typeof os.networkInterfaces>;

export function devAllowedOrigins(
  interfaces: Interfaces = os.networkInterfaces(),
  hostname: string = os.hostname(),
  extra: string | undefined = process.env.DEV_ALLOWED_HOSTS,
): string[] {
  const addresses = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    // Next compares the host of the page's URL, where IPv6 addresses are in brackets.
    .map((i) => (i.family === "IPv6" ? `[${i.address}]` : i.address));
  const configured = (extra ?? "").split(",").map((h) => h.trim());
  const hosts = ["127.0.0.1", "[::1]", hostname, ...addresses, ...configured].map((h) => h.toLowerCase()).filter(Boolean);
  return [...new Set(hosts)];
}
