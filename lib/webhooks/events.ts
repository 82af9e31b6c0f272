import { z } from "zod";

// The event catalogue: one list of names; the zod enum, the type, descriptions and samples all
// derive from it, so an event without a description or sample does not compile.
export const EVENT_TYPES = [
  "conversion.created",
  "conversion.approved",
  "conversion.rejected",
  "partnership.created",
] as const;

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
};

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
