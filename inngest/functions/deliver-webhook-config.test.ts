import { afterEach, describe, expect, it, vi } from "vitest";
import { getConfig, resetConfigForTests } from "@/lib/config";

// What the deliver-webhook function registers with Inngest, read from the serve handler's own
// registration answer (an in-band sync, as Inngest Cloud asks for it; dev mode needs no key).

const SETTINGS = ["INNGEST_DEV", "WEBHOOK_CONCURRENCY", "WEBHOOK_CONCURRENCY_PER_ENDPOINT", "WEBHOOK_CONCURRENCY_PER_ACCOUNT"];
const saved = Object.fromEntries(SETTINGS.map((k) => [k, process.env[k]]));

afterEach(() => {
  for (const k of SETTINGS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  resetConfigForTests();
  vi.resetModules();
});

type Registered = {
  id: string;
  triggers: { event?: string; expression?: string }[];
  concurrency?: { key: string; limit: number; scope?: string }[];
};

/** The functions as the serve handler at /api/inngest registers them, in a fresh module graph. */
async function registeredFunctions(env: Record<string, string> = {}): Promise<Registered[]> {
  Object.assign(process.env, { INNGEST_DEV: "1", ...env });
  vi.resetModules();
  const { PUT } = await import("@/app/api/inngest/route");
  const req = new Request("http://localhost:3000/api/inngest", {
    method: "PUT",
    headers: { "content-type": "application/json", "x-inngest-sync-kind": "in_band" },
    body: JSON.stringify({ url: "http://localhost:3000/api/inngest" }),
  });
  const res = await (PUT as unknown as (r: Request, ctx: unknown) => Promise<Response>)(req, {});
  expect(res.status).toBe(200);
  return (await res.json()).functions;
}

const deliverWebhookOf = (fns: Registered[]) => fns.find((f) => f.id.endsWith("-deliver-webhook"))!;
const deliverWebhookFifoOf = (fns: Registered[]) => fns.find((f) => f.id.endsWith("-deliver-webhook-fifo"))!;
// The account's limit, shared by both delivery functions (scope env, one key).
const ACCOUNT_KEY = `"deliveries:" + event.data.accountId`;

describe("deliver-webhook's registered configuration", () => {
  it("limits steps in flight per endpoint and per account with the embedded worker's numbers", async () => {
    const fn = deliverWebhookOf(await registeredFunctions());
    resetConfigForTests();
    const { perEndpoint, perAccount } = getConfig().concurrency;
    expect(fn.triggers).toEqual([{ event: "webhooks/delivery.requested", expression: "event.data.fifo != true" }]);
    expect(fn.concurrency).toEqual([
      { key: "event.data.webhookId", limit: perEndpoint },
      { scope: "env", key: ACCOUNT_KEY, limit: perAccount },
    ]);
    expect([perEndpoint, perAccount]).toEqual([4, 8]); // the documented defaults
  });

  it("registers a failure handler for its dead runs (rescue-delivery.ts)", async () => {
    const fns = await registeredFunctions();
    const failure = fns.find((f) => f.id.endsWith("-deliver-webhook-failure"));
    expect(failure?.triggers).toEqual([
      { event: "inngest/function.failed", expression: `event.data.function_id == '${deliverWebhookOf(fns).id}'` },
    ]);
  });

  it("takes the limits from the same settings as the embedded worker", async () => {
    const env = { WEBHOOK_CONCURRENCY: "20", WEBHOOK_CONCURRENCY_PER_ENDPOINT: "3", WEBHOOK_CONCURRENCY_PER_ACCOUNT: "6" };
    const fn = deliverWebhookOf(await registeredFunctions(env));
    expect(fn.concurrency).toEqual([
      { key: "event.data.webhookId", limit: 3 },
      { scope: "env", key: ACCOUNT_KEY, limit: 6 },
    ]);
    expect(deliverWebhookFifoOf(await registeredFunctions(env)).concurrency).toEqual([
      { key: "event.data.webhookId", limit: 1 },
      { scope: "env", key: ACCOUNT_KEY, limit: 6 },
    ]);
    resetConfigForTests();
    expect(getConfig().concurrency).toEqual({ total: 20, perEndpoint: 3, perAccount: 6 });
  });

  it("runs a FIFO endpoint's requests one step at a time per endpoint, without serialising the other endpoints", async () => {
    const fns = await registeredFunctions();
    const fifo = deliverWebhookFifoOf(fns);
    // Requests carry the endpoint's mode (engine.ts) and each goes to exactly one of the two.
    expect(fifo.triggers).toEqual([{ event: "webhooks/delivery.requested", expression: "event.data.fifo == true" }]);
    expect(fifo.concurrency).toEqual([
      { key: "event.data.webhookId", limit: 1 },
      { scope: "env", key: ACCOUNT_KEY, limit: 8 },
    ]);
    expect(deliverWebhookOf(fns).concurrency![0]).toEqual({ key: "event.data.webhookId", limit: 4 });
  });

  it("sends each request with its endpoint's mode, so it reaches the function made for it", async () => {
    const { deliveryRequest } = await import("@/inngest/client");
    const row = { id: "dlv_1", webhookId: "wh_1", accountId: "acc_1", attemptCount: 0, endpointVersion: new Date(0) };
    expect(deliveryRequest({ ...row, fifo: true }).data).toEqual({ deliveryId: "dlv_1", webhookId: "wh_1", accountId: "acc_1", fifo: true });
    expect(deliveryRequest({ ...row, fifo: false }).data.fifo).toBe(false);
  });
});
