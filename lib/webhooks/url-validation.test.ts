import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db";
import { createTestAccount } from "@/lib/testing/fixtures";
import { validateWebhookUrl } from "./ssrf";
import { createWebhook, listWebhooks, updateWebhook } from "./webhooks";

// Create-time URL rules against the ways an internal address can be spelled. The WHATWG URL
// parser normalises most of them (127.1, 0x7f000001, 2130706433 → 127.0.0.1); these tests pin
// that the check sees the normalised host, in production and with private targets refused.

const prod = { production: true, allowPrivate: false };

const INTERNAL_HOSTS = [
  "127.0.0.1",
  "127.1",
  "127.0.1",
  "0x7f000001",
  "0x7f.0.0.1",
  "0177.0.0.1",
  "017700000001",
  "2130706433",
  "0",
  "0.0.0.0",
  "[::1]",
  "[::]",
  "[::ffff:127.0.0.1]",
  "[::ffff:7f00:1]",
  "[0:0:0:0:0:ffff:127.0.0.1]",
  "[::ffff:10.0.0.1]",
  // IPv4-compatible (::/96), NAT64, 6to4 and Teredo spellings of internal IPv4 addresses.
  "[::7f00:1]",
  "[::127.0.0.1]",
  "[::a9fe:a9fe]",
  "[::a00:1]",
  "[::ffff:0:7f00:1]",
  "[64:ff9b::7f00:1]",
  "[64:ff9b::169.254.169.254]",
  "[64:ff9b:1::a00:1]",
  "[2002:7f00:1::1]",
  "[2002:a9fe:a9fe::1]",
  "[2001:0:808:808::80ff:fffe]",
  "10.0.0.1",
  "10.255.255.255",
  "172.16.0.1",
  "172.31.255.254",
  "192.168.1.1",
  "100.64.0.1",
  "169.254.169.254",
  "169.254.0.1",
  "[fe80::1]",
  "[fc00::1]",
  "[fd00:ec2::254]",
  "100.100.100.200",
  "224.0.0.1",
  "255.255.255.255",
  "localhost",
  "LOCALHOST",
  "localhost.",
  "api.localhost",
  "metadata.google.internal",
  "printer.local",
  "router.lan",
  "intranet",
];

describe("validateWebhookUrl (production, private targets refused)", () => {
  it.each(INTERNAL_HOSTS.flatMap((h) => [`https://${h}/hook`, `https://${h}:8443/hook`, `http://${h}/hook`]))("refuses %s", (url) => {
    const check = validateWebhookUrl(url, prod);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(/^must /);
  });

  it.each(["https://hooks.example.com/in", "https://8.8.8.8/hook", "https://[2606:4700::1111]/hook", "https://172.32.0.1/hook", "https://[64:ff9b::808:808]/hook"])(
    "accepts the public %s",
    (url) => {
      expect(validateWebhookUrl(url, prod).ok).toBe(true);
    },
  );

  it("refuses plain http in production even for a public host", () => {
    expect(validateWebhookUrl("http://hooks.example.com/in", prod)).toEqual({ ok: false, reason: "must use https" });
  });
});

describe("createWebhook / updateWebhook refuse internal addresses with 422 when private targets are off", () => {
  let accountId: string;
  beforeAll(async () => {
    await getDb();
    process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "false";
    resetConfigForTests();
    accountId = (await createTestAccount("advertiser")).account.id;
  }, 120_000);
  afterAll(async () => {
    delete process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
    resetConfigForTests();
    await closeDb();
  });

  it.each([
    "http://127.1/",
    "http://0x7f000001/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::1]/",
    "http://10.0.0.1/",
    "http://169.254.169.254/",
    "http://localhost/",
    "http://[::7f00:1]/",
    "http://[::a9fe:a9fe]/",
    "http://[64:ff9b::a00:1]/",
    "http://[2002:7f00:1::1]/",
  ])(
    "%s → 422 unprocessable on url, nothing stored",
    async (url) => {
      const err = await createWebhook(accountId, { url, events: ["conversion.created"], description: "", enabled: true }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(422);
      expect((err as ApiError).details).toMatchObject({ fieldErrors: { url: [expect.stringMatching(/^The URL must not point at/)] } });
      expect(await listWebhooks(accountId)).toHaveLength(0);
    },
  );

  it("a PATCH to an internal address is refused the same way", async () => {
    const created = await createWebhook(accountId, { url: "https://hooks.example.com/in", events: ["conversion.created"], description: "", enabled: true });
    for (const url of ["http://0x7f000001/", "https://[::127.0.0.1]/", "https://[::a00:1]/", "https://[2001:0:808:808::5601:5601]/"]) {
      const err = await updateWebhook(accountId, created.id, { url }).then(
        () => null,
        (e: unknown) => e,
      );
      expect((err as ApiError).status, url).toBe(422);
    }
    expect((await listWebhooks(accountId)).find((w) => w.id === created.id)?.url).toBe("https://hooks.example.com/in");
  });
});
