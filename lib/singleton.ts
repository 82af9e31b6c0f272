import type { EventEmitter } from "node:events";
import type { Transporter } from "nodemailer";
import type { DbHandle } from "@/lib/db";
import type { Schedule } from "@/lib/schedule";
import type { AttemptRecorder } from "@/lib/webhooks/attempt-recorder";
import type { NoticeDispatcher } from "@/lib/webhooks/notices";
import type { DeliveryWorker } from "@/lib/webhooks/worker";

/**
 * Everything kept once per process, by name. On globalThis because Next.js may load a module
 * more than once in one process (instrumentation, route bundles, dev hot reload), and some of
 * these must never exist twice (PGlite owns its data folder; one worker per process).
 */
export interface ProcessSingletons {
  db: Promise<DbHandle>;
  deliveryDb: Promise<DbHandle>;
  attemptRecorder: AttemptRecorder;
  deliveryBus: EventEmitter;
  processTag: string;
  deliveryWorker: DeliveryWorker;
  retentionSchedule: Schedule;
  rollupFoldSchedule: Schedule;
  rateLimitSweptAt: number;
  signInFailuresSweptAt: number;
  warnedUnknownClientAddress: true;
  shutdownHooked: true;
  noticeDispatcher: NoticeDispatcher;
  mailer: { url: string; transport: Transporter };
}

declare global {
  // eslint-disable-next-line no-var -- a global declaration needs `var`
  var __partnersMySingletons: Partial<ProcessSingletons> | undefined;
}

function registry(): Partial<ProcessSingletons> {
  return (globalThis.__partnersMySingletons ??= {});
}

/** This process's one `key`, made by `create` the first time it is asked for. */
export function processSingleton<K extends keyof ProcessSingletons>(key: K, create: () => ProcessSingletons[K]): ProcessSingletons[K] {
  const slots = registry();
  return (slots[key] ??= create());
}

/** A per-process slot that is filled and emptied over time (a database closed, a worker stopped). */
export function processSlot<K extends keyof ProcessSingletons>(key: K) {
  return {
    get: (): ProcessSingletons[K] | undefined => registry()[key],
    set: (value: ProcessSingletons[K] | undefined): void => {
      registry()[key] = value;
    },
  };
}
