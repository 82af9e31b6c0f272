import { z } from "zod";

// The event catalogue: one list of names; the zod enum, the type, descriptions and samples all
// derive from it, so an event without a description or sample does not compile.
export const BUSINESS_EVENT_TYPES = [
  "conversion.created",
  "conversion.approved",
  "conversion.rejected",
  "partnership.created",
] as const;

// Operational events: an endpoint's health changed (lib/webhooks/notices.ts). Sent to the
// account's other endpoints subscribed to them, never to the endpoint they are about.
export const OPERATIONAL_EVENT_TYPES = ["endpoint.failing", "endpoint.disabled", "endpoint.recovered"] as const;

export const EVENT_TYPES = [...BUSINESS_EVENT_TYPES, ...OPERATIONAL_EVENT_TYPES] as const;
export type BusinessEventType = (typeof BUSINESS_EVENT_TYPES)[number];
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

export type EventType = (typeof EVENT_TYPES)[number];
export const eventType = z.enum(EVENT_TYPES);

/** `data` of a delivery body: the seed's {id, type, amount, status} plus additive fields. */
export type EventData = {
  id: string;
  type: string;
  amount: number | null;
  status: string;
  [extra: string]: unknown;
};

/** The exact shape a receiver gets: `{event, data, timestamp}`. */
export type EventBody = { event: EventType; data: EventData; timestamp: string };

export const EVENT_CATALOGUE: Record<EventType, { description: string; sample: EventData }> = {
  "conversion.created": {
    description: "A conversion was registered for one of your programs or partnerships.",
    sample: conversionSample("pending"),
  },
  "conversion.approved": {
    description: "The advertiser approved a conversion's commission.",
    sample: conversionSample("approved"),
  },
  "conversion.rejected": {
    description: "A conversion's commission was rejected.",
    sample: { ...conversionSample("rejected"), rejectionReason: "Order was refunded" },
  },
  "partnership.created": {
    description: "An affiliate applied to a program.",
    sample: {
      id: "ptn_4k2m9q8z1x7c3v5b6n0a",
      type: "partnership",
      amount: null,
      status: "pending",
      programId: "prg_8d1f3h5j7k9l2z4x6c8v",
      advertiserId: "acct_1a2b3c4d5e6f7g8h9i0j",
      affiliateId: "acct_9z8y7x6w5v4u3t2s1r0q",
      createdAt: "2026-01-15T10:30:00.000Z",
    },
  },
  "endpoint.failing": {
    description:
      "One of your endpoints is failing: a delivery to it exhausted its retries after a success (stage \"started\"), or it has been failing for half the time after which it is disabled (stage \"disabling_soon\").",
    sample: endpointSample("failing", { stage: "started" }),
  },
  "endpoint.disabled": {
    description: "One of your endpoints was disabled automatically: it kept failing for the whole window, or answered 410 Gone. Its events are held until you re-enable it.",
    sample: endpointSample("disabled", {
      disablesAt: null,
      disabledReason:
        "Disabled automatically: every delivery failed for 3 days (since 2026-01-12T10:30:00.000Z). Fix the endpoint, then re-enable it: held events will be sent.",
    }),
  },
  "endpoint.recovered": {
    description: "An endpoint that was failing accepted a delivery again.",
    sample: endpointSample("healthy", { failingSince: null, disablesAt: null }),
  },
};

function endpointSample(status: "failing" | "disabled" | "healthy", overrides: Partial<EventData> = {}): EventData {
  return {
    id: "wh_2f6h8j0k3l5z7x9c1v4b",
    type: "endpoint",
    amount: null,
    status,
    url: "https://example.com/webhooks/partnersmy",
    failingSince: "2026-01-12T10:30:00.000Z",
    disablesAt: "2026-01-15T10:30:00.000Z",
    lastError: "Receiver answered HTTP 503",
    disabledReason: null,
    ...overrides,
  };
}

function conversionSample(status: "pending" | "approved" | "rejected"): EventData {
  return {
    id: "conv_7h3k9m2p4q6r8s1t5v0w",
    type: "sale",
    amount: 4999,
    status,
    currency: "USD",
    programId: "prg_8d1f3h5j7k9l2z4x6c8v",
    advertiserId: "acct_1a2b3c4d5e6f7g8h9i0j",
    affiliateId: "acct_9z8y7x6w5v4u3t2s1r0q",
    externalId: "order-10293",
    createdAt: "2026-01-15T10:30:00.000Z",
  };
}

/** The delivery body, serialised once and stored as-is so every attempt sends the same bytes. */
export function buildEventBody(event: EventType, data: EventData, at: Date = new Date()): string {
  const body: EventBody = { event, data, timestamp: at.toISOString() };
  return JSON.stringify(body);
}
