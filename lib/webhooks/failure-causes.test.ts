import { createServer as createHttpServer } from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTranslator } from "use-intl/core";
import { causeWording } from "@/i18n/causes";
import { LOCALES } from "@/i18n/locales";
import en from "@/messages/en.json";
import es from "@/messages/es.json";
import { resetConfigForTests } from "@/lib/config";
import { closeDb } from "@/lib/db";
import { createTestAccount } from "@/lib/testing/fixtures";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import { createTestWebhook, emitTestEvent, getAttempts, getDelivery, getWebhook, useFastDeliverySettings } from "@/lib/testing/webhook-fixtures";
import { processDelivery } from "./delivery";
import {
  causeOfNetworkError,
  causeOfResponse,
  causeOfTimeout,
  disableReason,
  DISABLE_REASONS,
  failure,
  FAILURE_CAUSES,
  type StoredCause,
} from "./failure-causes";
import { CAUSE_SAMPLES as SAMPLES } from "@/lib/testing/cause-samples";
import { noticesSettled } from "./notices";
import { sendWebhook } from "./send";

// The one mapping from a send outcome to its cause code, against real sockets on loopback for
// each way an attempt can fail; every code worded in both languages; and a failing delivery to
// the real receiver storing its code beside the English text (PGlite, and PostgreSQL when set).

const cleanups: (() => unknown)[] = [];
beforeAll(() => {
  useFastDeliverySettings();
  resetConfigForTests();
});
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});
afterAll(async () => {
  // The 410 case writes a notice, mailed in the background: let it finish before the db closes.
  await noticesSettled();
  await closeDb();
});

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const post = (url: string, opts: { allowPrivate?: boolean; firstByteTimeoutMs?: number } = {}) =>
  sendWebhook({ url, headers: { "content-type": "application/json" }, body: "{}", allowPrivate: opts.allowPrivate ?? true, ...opts });

describe("send outcomes → cause codes (real sockets on loopback)", () => {
  it("a non-2xx answer is http_status with the status", async () => {
    const port = await listen(createHttpServer((_req, res) => res.writeHead(503).end("busy")));
    const r = await post(`http://127.0.0.1:${port}/`);
    expect(r).toMatchObject({ statusCode: 503, error: "Receiver answered HTTP 503", errorCause: { code: "http_status", params: { status: 503 } } });
  });

  it("a 2xx answer has no cause", async () => {
    const port = await listen(createHttpServer((_req, res) => res.end("ok")));
    expect(await post(`http://127.0.0.1:${port}/`)).toMatchObject({ statusCode: 200, error: null, errorCause: null });
  });

  it("a redirect is redirect_not_followed with its Location", async () => {
    const port = await listen(createHttpServer((_req, res) => res.writeHead(302, { location: "https://elsewhere.example/" }).end()));
    const r = await post(`http://127.0.0.1:${port}/`);
    expect(r.errorCause).toEqual({ code: "redirect_not_followed", params: { location: "https://elsewhere.example/" } });
    expect(r.error).toMatch(/^Redirect to https:\/\/elsewhere.example\/ not followed/);
  });

  it("a refused connection is connection_refused with the host", async () => {
    const port = await closedPort();
    const r = await post(`http://127.0.0.1:${port}/`);
    expect(r).toMatchObject({ error: `Connection refused by 127.0.0.1:${port}`, errorCause: { code: "connection_refused", params: { host: `127.0.0.1:${port}` } } });
  });

  it("a reset connection is connection_reset", async () => {
    const port = await listen(createHttpServer((req) => req.socket.resetAndDestroy()));
    const r = await post(`http://127.0.0.1:${port}/`);
    expect(r.errorCause).toEqual({ code: "connection_reset", params: { host: `127.0.0.1:${port}` } });
  });

  it("a connection closed before answering is connection_closed", async () => {
    const port = await listen(net.createServer((socket) => socket.once("data", () => socket.end())));
    const r = await post(`http://127.0.0.1:${port}/`);
    expect(r.errorCause).toEqual({ code: "connection_closed", params: { host: `127.0.0.1:${port}` } });
  });

  it("no answer within the first-byte deadline is first_byte_timeout in seconds", async () => {
    const port = await listen(createHttpServer((req) => req.resume()));
    const r = await post(`http://127.0.0.1:${port}/`, { firstByteTimeoutMs: 200 });
    expect(r.errorCause).toEqual({ code: "first_byte_timeout", params: { host: `127.0.0.1:${port}`, seconds: 0.2 } });
    expect(r.error).toBe(`No answer from 127.0.0.1:${port} within 200 ms of connecting (first-byte timeout)`);
  });

  it("TLS spoken to a plain-HTTP server is tls_error", async () => {
    const port = await listen(createHttpServer((_req, res) => res.end("ok")));
    const r = await post(`https://127.0.0.1:${port}/`);
    expect(r.errorCause).toMatchObject({ code: "tls_error", params: { host: `127.0.0.1:${port}`, detail: expect.any(String) } });
  });

  it("a name that does not resolve is dns_failure", async () => {
    const r = await post("http://no-such-host.invalid/hook");
    expect(r.errorCause).toEqual({ code: "dns_failure", params: { host: "no-such-host.invalid" } });
  });

  it("a private address with private targets refused is blocked_address; the guard's sentence stays the text", async () => {
    const r = await post("http://127.0.0.1:9/hook", { allowPrivate: false });
    expect(r.errorCause).toEqual({ code: "blocked_address", params: { host: "127.0.0.1" } });
    expect(r.error).toMatch(/^Refused to connect: 127.0.0.1 is a loopback address/);
  });

  it("an unsupported scheme and an unparsable URL are their own codes", async () => {
    expect((await post("ftp://example.com/")).errorCause).toEqual({ code: "unsupported_scheme", params: { scheme: "ftp:" } });
    expect(await post("not a url")).toMatchObject({ error: "Invalid URL: not a url", errorCause: { code: "invalid_url", params: {} } });
  });
});

describe("the mapping's other branches", () => {
  const url = new URL("http://hooks.example.com:8080/x");
  it.each([
    ["EHOSTUNREACH", "unreachable", { host: "hooks.example.com:8080" }],
    ["ENETUNREACH", "unreachable", { host: "hooks.example.com:8080" }],
    ["EAI_AGAIN", "dns_failure", { host: "hooks.example.com" }],
    ["CERT_HAS_EXPIRED", "tls_error", { host: "hooks.example.com:8080", detail: "CERT_HAS_EXPIRED: certificate has expired" }],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "tls_error", { host: "hooks.example.com:8080", detail: "ERR_TLS_CERT_ALTNAME_INVALID: certificate has expired" }],
    ["EPIPE", "network_error", { host: "hooks.example.com:8080", detail: "EPIPE: certificate has expired" }],
  ] as const)("%s → %s", (code, expected, params) => {
    const err = Object.assign(new Error("certificate has expired"), { code });
    expect(causeOfNetworkError(err, url).cause).toEqual({ code: expected, params });
  });

  it("timeouts carry seconds; the English text keeps milliseconds as before", () => {
    expect(causeOfTimeout("attempt", "h", 15_000)).toEqual({ cause: { code: "timeout", params: { seconds: 15 } }, text: "Timed out after 15000 ms" });
    expect(causeOfTimeout("connect", "h:1", 1_234).text).toBe("Could not connect to h:1 within 1234 ms (connect timeout)");
  });

  it("2xx is no failure; 3xx without Location and 4xx/5xx are", () => {
    expect(causeOfResponse(204, undefined)).toBeNull();
    expect(causeOfResponse(301, undefined)!.cause).toEqual({ code: "redirect_not_followed", params: { location: "(no Location)" } });
    expect(causeOfResponse(410, undefined)!.text).toBe("Receiver answered HTTP 410");
  });
});

describe("every code is worded in both languages", () => {
  const codes = [...FAILURE_CAUSES.map((c) => ["failure", c] as const), ...DISABLE_REASONS.map((c) => ["disabled", c] as const)];
  it.each(LOCALES)("%s", (locale) => {
    const t = createTranslator({
      locale,
      messages: { en, es }[locale],
      namespace: "causes",
      onError: (err) => {
        throw err;
      },
    });
    for (const [kind, code] of codes) {
      const built = kind === "failure" ? failure(code, SAMPLES[code] as never) : disableReason(code, SAMPLES[code] as never);
      expect(built.text.length, `${code} has English text`).toBeGreaterThan(0);
      const wording = causeWording(kind, built.cause as StoredCause, built.text, locale, (iso) => `<${iso}>`);
      if ("text" in wording) throw new Error(`${code}: no message`);
      const message = t(wording.key, wording.values);
      // Every parameter made it into the sentence (none left as {name}).
      expect(message, `${locale} ${code}`).not.toMatch(/[{}]/);
      if (locale === "es") expect(message, code).not.toBe(built.text);
    }
    const window = causeWording("disabled", disableReason("failing_too_long", SAMPLES.failing_too_long).cause, null, locale, (iso) => `<${iso}>`);
    expect("key" in window && t(window.key, window.values)).toContain(locale === "es" ? "3 días (desde el <2026-01-12T10:30:00.000Z>)" : "3 days (since <2026-01-12T10:30:00.000Z>)");
  });

  it("text with no code: English as stored for English readers, a generic sentence for others", () => {
    expect(causeWording("failure", null, "Legacy words", "en", String)).toEqual({ text: "Legacy words" });
    expect(causeWording("failure", null, "Legacy words", "es", String)).toEqual({ key: "unknownFailure", values: {} });
    expect(causeWording("disabled", null, "Legacy words", "es", String)).toEqual({ key: "unknownDisabled", values: {} });
  });
});

describe("a failing delivery stores its cause code", () => {
  let receiver: Receiver;
  let accountId: string;
  beforeAll(async () => {
    receiver = await startReceiver();
    ({
      account: { id: accountId },
    } = await createTestAccount("advertiser"));
  });
  afterAll(() => receiver.close());

  it("each attempt's error, and the endpoint's last error once its retries are spent, carry the code and status", async () => {
    receiver.respondWith({ status: 500, body: "down" });
    const { webhookId, secrets } = await createTestWebhook(accountId, receiver.url);
    receiver.setSecrets(secrets);
    const { deliveries } = await emitTestEvent(accountId, "conversion.created", { wake: false });
    const deliveryId = deliveries!.find((d) => d.webhookId === webhookId)!.id;
    // A clock that runs ahead, so each retry is due at once.
    let tick = Date.now();
    let r;
    do r = await processDelivery(deliveryId, { owner: "causes-test", now: () => new Date((tick += 1_000)) });
    while (r.status === "pending");
    expect(r.status).toBe("failed");
    expect(receiver.received.filter((x) => x.signatureValid[0])).toHaveLength(4);

    const attempts = await getAttempts(deliveryId);
    expect(attempts.map((a) => [a.error, a.errorCause])).toEqual(
      Array(4).fill(["Receiver answered HTTP 500", { code: "http_status", params: { status: 500 } }]),
    );
    const hook = await getWebhook(webhookId);
    expect(hook).toMatchObject({ lastError: "Receiver answered HTTP 500", lastErrorCause: { code: "http_status", params: { status: 500 } } });
  });

  it("410 Gone disables with the gone code; a refused connection is stored as connection_refused", async () => {
    receiver.respondWith({ status: 410 });
    const gone = await createTestWebhook(accountId, receiver.url);
    receiver.setSecrets(gone.secrets);
    const port = await closedPort();
    const refused = await createTestWebhook(accountId, `http://127.0.0.1:${port}/hook`);
    const { deliveries } = await emitTestEvent(accountId, "conversion.created", { wake: false });
    for (const d of deliveries!.filter((d) => d.webhookId === gone.webhookId || d.webhookId === refused.webhookId)) {
      await processDelivery(d.id, { owner: "causes-test" });
    }
    const disabled = await getWebhook(gone.webhookId);
    expect(disabled).toMatchObject({ enabled: false, disabledReasonCause: { code: "gone", params: { at: expect.any(String) } } });
    expect(disabled.disabledReason).toMatch(/410 Gone on /);

    const refusedDelivery = deliveries!.find((d) => d.webhookId === refused.webhookId)!;
    expect(await getDelivery(refusedDelivery.id)).toMatchObject({ status: "pending", attemptCount: 1 });
    const [attempt] = await getAttempts(refusedDelivery.id);
    expect(attempt).toMatchObject({ statusCode: null, errorCause: { code: "connection_refused", params: { host: `127.0.0.1:${port}` } } });
  });
});
