import { z } from "zod";
import { EVENT_TYPES, eventType } from "@/lib/webhooks/events";

// Inputs and responses of the CLI's routes: the event stream, trigger and the dashboard's
// listener count. Client-safe: zod only.

const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

export const eventStreamQuery = z.object({
  events: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(eventType).min(1))
      .optional()
      .meta({ description: `Comma-separated event types to receive (default: all): ${EVENT_TYPES.join(", ")}.` }),
  ),
  after: z.preprocess(
    blankToUndefined,
    z.string().max(100).optional().meta({ description: "Resume after this event id (`evt_…`); the `Last-Event-ID` header does the same. Default: events from now on." }),
  ),
  listener: z.preprocess(
    blankToUndefined,
    z.string().max(100).optional().meta({ description: "The session id (`lsn_…`) from the `ready` message of an earlier stream, so a resumed stream counts as the same listener." }),
  ),
});

export const triggerEventInput = z.strictObject({ event: eventType });

export const triggerEventResponse = z.object({
  eventId: z.string().meta({ description: "The new event's id (`evt_…`)." }),
  event: eventType,
  payload: z.looseObject({ event: eventType, data: z.looseObject({}), timestamp: z.string() }).meta({ description: "The exact body receivers get." }),
  deliveries: z.array(z.object({ id: z.string(), webhookId: z.string() })).meta({ description: "One per enabled endpoint of yours subscribed to the event." }),
});

export const cliListenerList = z.object({
  data: z.array(
    z.object({
      id: z.string().meta({ description: "Session id (`lsn_…`)." }),
      events: z.array(z.string()).nullable().meta({ description: "The event types it listens to; null: all." }),
      connectedAt: z.iso.datetime(),
      lastSeenAt: z.iso.datetime(),
    }),
  ),
});
