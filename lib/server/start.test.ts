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

describe("DATABASE_POOL_MAX and DATABASE_DELIVERY_POOL_MAX", () => {
  it("default to 10 connections each (empty as in .env.example too) and refuse what is not a pool size", () => {
    expect(parseConfig({})).toMatchObject({ poolMax: 10, deliveryPoolMax: 10 });
    expect(parseConfig({ DATABASE_POOL_MAX: "", DATABASE_DELIVERY_POOL_MAX: "" })).toMatchObject({ poolMax: 10, deliveryPoolMax: 10 });
    expect(parseConfig({ DATABASE_POOL_MAX: "25", DATABASE_DELIVERY_POOL_MAX: "4" })).toMatchObject({ poolMax: 25, deliveryPoolMax: 4 });
    for (const bad of ["0", "-1", "2.5", "ten", "501"]) {
      expect(() => parseConfig({ DATABASE_POOL_MAX: bad })).toThrow(/DATABASE_POOL_MAX/);
      expect(() => parseConfig({ DATABASE_DELIVERY_POOL_MAX: bad })).toThrow(/DATABASE_DELIVERY_POOL_MAX/);
    }
  });
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
