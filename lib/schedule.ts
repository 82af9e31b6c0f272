import { processSlot, type ProcessSingletons } from "@/lib/singleton";

// A periodic job of the embedded engine (retention, the rollups' fold): one per process, on an
// unref'd timer, so it never keeps the process alive; the next run is armed when one ends, so
// runs never overlap; stopping cancels the next run and awaits the one in progress.

export type Schedule = { timer: NodeJS.Timeout | null; running: Promise<void> | null; stopped: boolean };
type ScheduleSlot = { [K in keyof ProcessSingletons]: ProcessSingletons[K] extends Schedule ? K : never }[keyof ProcessSingletons];

export interface PeriodicJob {
  /** Start in this process unless it already runs (the options of the first start win). */
  start(opts?: { firstRunMs?: number; intervalMs?: number }): void;
  stop(): Promise<void>;
}

/** `run` gets a function telling it the schedule was stopped (to end between batches). */
export function periodicJob(
  slot: ScheduleSlot,
  run: (shouldStop: () => boolean) => Promise<void>,
  defaults: { firstRunMs: number; intervalMs: number },
): PeriodicJob {
  const current = processSlot(slot);
  return {
    start(opts = {}) {
      if (current.get()?.stopped === false) return;
      const schedule: Schedule = { timer: null, running: null, stopped: false };
      current.set(schedule);
      const interval = opts.intervalMs ?? defaults.intervalMs;
      const arm = (ms: number) => {
        if (schedule.stopped) return;
        schedule.timer = setTimeout(tick, ms);
        schedule.timer.unref();
      };
      const tick = () => {
        schedule.timer = null;
        if (schedule.stopped) return;
        schedule.running = run(() => schedule.stopped).finally(() => {
          schedule.running = null;
          arm(interval);
        });
      };
      arm(opts.firstRunMs ?? defaults.firstRunMs);
    },
    async stop() {
      const schedule = current.get();
      if (!schedule) return;
      schedule.stopped = true;
      if (schedule.timer) clearTimeout(schedule.timer);
      schedule.timer = null;
      await schedule.running;
      if (current.get() === schedule) current.set(undefined);
    },
  };
}
