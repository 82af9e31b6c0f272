import "server-only";
import { EventEmitter } from "node:events";
import { eq, inArray } from "drizzle-orm";
import { getConfig } from "@/lib/config";
import { getDb, getDbHandle, notify } from "@/lib/db";
import { deliveries, webhooks } from "@/lib/db/schema";
import { randomString } from "@/lib/ids";
import { log } from "@/lib/log";
import { processSingleton, processSlot } from "@/lib/singleton";
import type { DeliveryWorker, DeliveryWorkerOptions } from "./worker";

// The seam between "deliveries were written" and whichever engine sends them. Callers
// (event sources, replay, retry-failed) call wakeDeliveryEngine AFTER their transaction commits.
//  - embedded (default): a worker in this process (started by instrumentation.ts) and/or
//    `npm run worker` processes claim due deliveries from the database;
//  - inngest: one Inngest event per delivery runs the deliver-webhook function.
// Either way the deliveries are already safe in the database: a lost wake-up only delays them
// (the embedded worker polls; the Inngest reconciler re-sends lost events).

export const DELIVERIES_CHANNEL = "pm_deliveries";
export const DELIVERY_REQUESTED = "webhooks/delivery.requested";

// Per process: Next.js may load this module more than once in one process.
/** In-process signal: the embedded worker in this process wakes without a database round trip. */
export const deliveryBus: EventEmitter = processSingleton("deliveryBus", () => new EventEmitter().setMaxListeners(100));
/** Sent as the NOTIFY payload, so a worker can ignore its own process's notifications. */
export const PROCESS_TAG: string = processSingleton("processTag", () => randomString(12));
const currentWorker = processSlot("deliveryWorker");

/** Never throws: the API call that wrote the deliveries has already succeeded. */
export async function wakeDeliveryEngine(deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  try {
    if (getConfig().engine === "inngest") return await requestInngestDeliveries(deliveryIds);
    deliveryBus.emit("wake", deliveryIds);
    // Other processes (a separate `npm run worker`) hear about it through NOTIFY.
    const { db, driver } = await getDbHandle();
    if (driver === "postgres") await notify(db, DELIVERIES_CHANNEL, PROCESS_TAG);
  } catch (err) {
    log.error("waking the delivery engine failed; the deliveries will be picked up later", {
      err,
      deliveryIds,
    });
  }
}

/** What a delivery request names: the delivery, its endpoint and account, and its generation. */
export const deliveryRequestColumns = {
  id: deliveries.id,
  webhookId: deliveries.webhookId,
  accountId: deliveries.accountId,
  attemptCount: deliveries.attemptCount,
  endpointVersion: webhooks.updatedAt,
  // Routes the request to the FIFO function (one step at a time per endpoint) or the other.
  fifo: webhooks.fifo,
};
export type DeliveryRequestRow = {
  id: string;
  webhookId: string;
  accountId: string;
  attemptCount: number;
  endpointVersion: Date;
  fifo?: boolean;
};

/**
 * The event id of a request (Inngest ignores a second event with the same id for 24 h): the
 * delivery, how many attempts it has had, and the endpoint's version. A wake-up and a
 * reconciler re-send of the same state start one run, not two; a recorded attempt, a replay or
 * a change to the endpoint (re-enabling it) is a new generation and a new run.
 */
export function deliveryRequestId(r: DeliveryRequestRow): string {
  return `${r.id}:a${r.attemptCount}:v${r.endpointVersion.getTime()}`;
}

/**
 * The id of the one re-request after a run of this generation died in error: the dead run's
 * own id would be ignored for 24 h, and one rescue per generation cannot loop.
 */
export function deliveryRescueId(r: DeliveryRequestRow): string {
  return `${deliveryRequestId(r)}:rescue`;
}

const REQUEST_BATCH = 500;

async function requestInngestDeliveries(deliveryIds: string[]) {
  const { inngest, deliveryRequest } = await import("@/inngest/client");
  const db = await getDb();
  for (let i = 0; i < deliveryIds.length; i += REQUEST_BATCH) {
    const rows = await db
      .select(deliveryRequestColumns)
      .from(deliveries)
      .innerJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
      .where(inArray(deliveries.id, deliveryIds.slice(i, i + REQUEST_BATCH)));
    if (rows.length > 0) await inngest.send(rows.map(deliveryRequest));
  }
}

/** Which engine sends webhooks in this process, in words for the start-up log. */
export function describeDeliveryEngine(): string {
  const { engine } = getConfig();
  return engine === "inngest"
    ? "inngest (deliver-webhook functions served at /api/inngest)"
    : "embedded (in-process worker; `npm run worker` processes can share the work)";
}

/** Starts the embedded worker in this process (once); a no-op under the inngest engine. */
export async function startDeliveryEngine(opts: DeliveryWorkerOptions = {}): Promise<DeliveryWorker | null> {
  if (getConfig().engine !== "embedded") return null;
  const running = currentWorker.get();
  if (running) return running;
  const { DeliveryWorker } = await import("./worker");
  const worker = new DeliveryWorker(opts);
  currentWorker.set(worker);
  try {
    await worker.start();
  } catch (err) {
    currentWorker.set(undefined);
    throw err;
  }
  return worker;
}

/** Stops claiming, finishes attempts in flight and hands back the rest. */
export async function stopDeliveryEngine(): Promise<void> {
  const worker = currentWorker.get();
  currentWorker.set(undefined);
  await worker?.stop();
}
