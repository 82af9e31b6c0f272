import { afterAll, describe, expect, it } from "vitest";
import { parseConfig, resetConfigForTests } from "@/lib/config";
import { closeDb } from "@/lib/db";
import { processSlot } from "@/lib/singleton";
import { startServer } from "./start";

// WEBHOOK_SERVER_WORKER=false: the web server delivers nothing itself; `npm run worker`
// processes do (the bench's `ingest` figure measures both ways). The default (a worker in the
// server) is not started here: on the shared PostgreSQL test database an unscoped worker would
// deliver other test files' deliveries.

afterAll(async () => {
  delete process.env.WEBHOOK_SERVER_WORKER;
  resetConfigForTests();
  await closeDb();
});

describe("WEBHOOK_SERVER_WORKER", () => {
  it("is on unless set to false", () => {
    expect(parseConfig({}).serverWorker).toBe(true);
    expect(parseConfig({ WEBHOOK_SERVER_WORKER: "true" }).serverWorker).toBe(true);
    expect(parseConfig({ WEBHOOK_SERVER_WORKER: "false" }).serverWorker).toBe(false);
    expect(parseConfig({ WEBHOOK_SERVER_WORKER: "0" }).serverWorker).toBe(false);
    expect(() => parseConfig({ WEBHOOK_SERVER_WORKER: "no" })).toThrow(/WEBHOOK_SERVER_WORKER/);
  });

  it("false: the server starts with its database but no delivery worker, retention or notice timer", async () => {
    process.env.WEBHOOK_SERVER_WORKER = "false";
    resetConfigForTests();
    await startServer();
    expect(await processSlot("db").get()).toBeDefined();
    expect(processSlot("deliveryWorker").get()).toBeUndefined();
    expect(processSlot("retentionSchedule").get()).toBeUndefined();
    expect(processSlot("noticeDispatcher").get()?.stopped ?? true).toBe(true);
  });
});
