import { EventEmitter } from "node:events";
import { getDbHandle, notify } from "@/lib/db";

// The seam between "deliveries were written" and whichever engine sends them. Callers
// (event sources, replay, retry-failed) call wakeDeliveryEngine AFTER their transaction commits.
// TODO(engine): the inngest engine sends one Inngest event per delivery here.

export const DELIVERIES_CHANNEL = "pm_deliveries";

const local = globalThis as unknown as { __pmDeliveryBus?: EventEmitter };
/** In-process signal: the embedded worker in this process wakes without a database round trip. */
export const deliveryBus: EventEmitter = (local.__pmDeliveryBus ??= new EventEmitter().setMaxListeners(100));

export async function wakeDeliveryEngine(deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  deliveryBus.emit("wake", deliveryIds);
  // Other processes (a separate `npm run worker`) hear about it through NOTIFY.
  const { db, driver } = await getDbHandle();
  if (driver === "postgres") await notify(db, DELIVERIES_CHANNEL, String(deliveryIds.length));
}
