import { z } from "zod";

// The event catalogue: one list of names, and per name everything about that event — what it
// means, who receives it, the zod schema of its `data` and a sample that must fit it. The zod
// enum, the types of what producers pass to enqueueEvent, the docs, /api/v1/event-types and
// the OpenAPI `webhooks` section all derive from it, so an event without a description, a
// schema or a sample does not compile. Client-safe: zod only.
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
export const isEventType = (name: string): name is EventType => (EVENT_TYPES as readonly string[]).includes(name);

const id = (prefix: string, what: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9a-z]+$`))
    .meta({ description: what });
const isoTime = (what: string) => z.iso.datetime().meta({ description: what });

const CONVERSION_STATUSES = ["pending", "approved", "rejected"] as const;
type ConversionStatus = (typeof CONVERSION_STATUSES)[number];

const conversionData = <S extends ConversionStatus>(status: S) =>
  z.object({
    id: id("conv", "Conversion id."),
    type: z.enum(["sale", "lead"]).meta({ description: "Kind of conversion." }),
    amount: z.number().int().min(0).meta({ description: "Amount in minor units of `currency` (4999 = 49.99)." }),
    status: z.literal(status).meta({ description: `Conversion status after the event: always "${status}" for this event.` }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .meta({ description: "ISO 4217 currency code." }),
    programId: id("prg", "The program the conversion belongs to."),
    advertiserId: id("acct", "Account id of the program's advertiser."),
    affiliateId: id("acct", "Account id of the affiliate credited with the conversion."),
    externalId: z.string().nullable().meta({ description: "The advertiser's own reference (e.g. an order id), or null." }),
    createdAt: isoTime("When the conversion was registered."),
  });

const conversionSample = <S extends ConversionStatus>(status: S) => ({
  id: "conv_7h3k9m2p4q6r8s1t5v0w",
  type: "sale" as const,
  amount: 4999,
  status,
  currency: "USD",
  programId: "prg_8d1f3h5j7k9l2z4x6c8v",
  advertiserId: "acct_1a2b3c4d5e6f7g8h9i0j",
  affiliateId: "acct_9z8y7x6w5v4u3t2s1r0q",
  externalId: "order-10293",
  createdAt: "2026-01-15T10:30:00.000Z",
});

const conversionRecipients = (role: string) => ({
  advertiser: `the advertiser that owns the program (${role})`,
  affiliate: "the affiliate the conversion is credited to",
});

// Operational events stay within the account whose endpoint it is, and skip that endpoint.
const operationalRecipients = {
  advertiser: "an advertiser's other endpoints, when it is one of its endpoints",
  affiliate: "an affiliate's other endpoints, when it is one of its endpoints (never the endpoint the event is about)",
};

const endpointData = <S extends "failing" | "disabled" | "healthy">(status: S, what: string) =>
  z.object({
    id: id("wh", "The endpoint the event is about."),
    type: z.literal("endpoint").meta({ description: 'Always "endpoint".' }),
    amount: z.null().meta({ description: "Always null." }),
    status: z.literal(status).meta({ description: what }),
    url: z.string().meta({ description: "The endpoint's URL." }),
    failingSince: z.iso
      .datetime()
      .nullable()
      .meta({ description: "When its current failing stretch began: the first delivery that exhausted its retries after a success; null when healthy." }),
    disablesAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: "When it will be disabled unless a delivery succeeds first (failingSince + WEBHOOK_DISABLE_AFTER); null otherwise." }),
    lastError: z.string().nullable().meta({ description: "The error of the newest delivery that exhausted its retries." }),
    disabledReason: z.string().nullable().meta({ description: "Why it was disabled; null unless disabled." }),
  });

const endpointSample = <S extends "failing" | "disabled" | "healthy">(status: S) => ({
  id: "wh_2f6h8j0k3l5z7x9c1v4b",
  type: "endpoint" as const,
  amount: null,
  status,
  url: "https://example.com/webhooks/partnersmy",
  failingSince: "2026-01-12T10:30:00.000Z" as string | null,
  disablesAt: "2026-01-15T10:30:00.000Z" as string | null,
  lastError: "Receiver answered HTTP 503" as string | null,
  disabledReason: null as string | null,
});

interface EventDefinition<S extends z.ZodObject = z.ZodObject> {
  description: string;
  /** Who receives it (API.md "Events and who receives them"), for the docs. */
  recipients: { advertiser: string; affiliate: string };
  /** `data` of the delivery body: always id, type, amount and status; the rest is additive. */
  data: S;
  sample: z.input<S>;
}

/** Ties an event's sample to its schema at compile time. */
const defineEvent = <S extends z.ZodObject>(definition: EventDefinition<S>) => definition;

export const EVENT_CATALOGUE = {
  "conversion.created": defineEvent({
    description: "A conversion was registered for one of your programs or partnerships.",
    recipients: conversionRecipients("who registered the conversion"),
    data: conversionData("pending"),
    sample: conversionSample("pending"),
  }),
  "conversion.approved": defineEvent({
    description: "The advertiser approved a conversion's commission.",
    recipients: conversionRecipients("who approved it"),
    data: conversionData("approved"),
    sample: conversionSample("approved"),
  }),
  "conversion.rejected": defineEvent({
    description: "A conversion's commission was rejected.",
    recipients: conversionRecipients("who rejected it"),
    data: conversionData("rejected").extend({
      rejectionReason: z.string().nullable().meta({ description: "Why it was rejected, when the advertiser said." }),
    }),
    sample: { ...conversionSample("rejected"), rejectionReason: "Order was refunded" },
  }),
  "partnership.created": defineEvent({
    description: "An affiliate applied to a program.",
    recipients: { advertiser: "the advertiser that owns the program", affiliate: "the affiliate that applied" },
    data: z.object({
      id: id("ptn", "Partnership id."),
      type: z.literal("partnership").meta({ description: 'Always "partnership".' }),
      amount: z.null().meta({ description: "Always null: a partnership has no amount." }),
      status: z.enum(["pending", "approved", "rejected"]).meta({ description: 'Partnership status; "pending" when just applied.' }),
      programId: id("prg", "The program applied to."),
      advertiserId: id("acct", "Account id of the program's advertiser."),
      affiliateId: id("acct", "Account id of the affiliate that applied."),
      createdAt: isoTime("When the affiliate applied."),
    }),
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
  }),
  "endpoint.failing": defineEvent({
    description:
      'One of your endpoints is failing: a delivery to it exhausted its retries after a success (stage "started"), or it has been failing for half the time after which it is disabled (stage "disabling_soon").',
    recipients: operationalRecipients,
    data: endpointData("failing", 'Always "failing".').extend({
      stage: z.enum(["started", "disabling_soon"]).meta({
        description:
          '"started": a delivery exhausted its retries after a success; "disabling_soon": failing for half the window, disabled at disablesAt unless a delivery succeeds.',
      }),
    }),
    sample: { ...endpointSample("failing"), stage: "started" },
  }),
  "endpoint.disabled": defineEvent({
    description:
      "One of your endpoints was disabled automatically: it kept failing for the whole window, or answered 410 Gone. Its events are held until you re-enable it.",
    recipients: operationalRecipients,
    data: endpointData("disabled", 'Always "disabled".'),
    sample: {
      ...endpointSample("disabled"),
      disablesAt: null,
      disabledReason:
        "Disabled automatically: every delivery failed for 3 days (since 2026-01-12T10:30:00.000Z). Fix the endpoint, then re-enable it: held events will be sent.",
    },
  }),
  "endpoint.recovered": defineEvent({
    description: "An endpoint that was failing accepted a delivery again.",
    recipients: operationalRecipients,
    data: endpointData("healthy", 'Always "healthy": a delivery succeeded again.'),
    sample: { ...endpointSample("healthy"), failingSince: null, disablesAt: null },
  }),
} satisfies Record<EventType, EventDefinition>;

type Catalogue = typeof EVENT_CATALOGUE;

/** What a producer passes as `data` for event E (checked against E's schema when enqueued). */
export type EventData<E extends EventType = EventType> = z.input<Catalogue[E]["data"]>;

/** An event name with its data, for producers that pick the event at run time. */
export type EventMessage = { [E in EventType]: { type: E; data: EventData<E> } }[EventType];

/** The exact shape a receiver gets for event E: `{event, data, timestamp}`. */
export type EventBody<E extends EventType = EventType> = {
  [K in E]: { event: K; data: z.output<Catalogue[K]["data"]>; timestamp: string };
}[E];

/** `conversion.created` → `ConversionCreatedEvent`, its name under components.schemas. */
export function eventComponentName(event: EventType): string {
  return `${event.split(/[._]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")}Event`;
}

// Fields are added over time (receivers ignore the ones they do not know), so the published
// schemas do not forbid other properties; what we send is still exactly the schema's fields,
// because buildEventBody parses `data` with it (unknown keys stripped).
const additive = ({ jsonSchema }: { jsonSchema: Record<string, unknown> }) => {
  delete jsonSchema.additionalProperties;
};

function bodySchema<E extends EventType>(event: E) {
  return z
    .object({
      event: z.literal(event).meta({ description: "The event name." }),
      data: EVENT_CATALOGUE[event].data.meta({
        description:
          "The object the event is about: always `id`, `type`, `amount` and `status`; other fields are additive, so ignore the ones you do not know.",
        override: additive,
      }),
      timestamp: isoTime("When the event happened (ISO 8601, UTC)."),
    })
    .meta({ id: eventComponentName(event), description: EVENT_CATALOGUE[event].description, override: additive });
}

/** The schema of each event's delivery body, built once (the OpenAPI generator keys them by id). */
export const EVENT_BODY_SCHEMAS: { [E in EventType]: ReturnType<typeof bodySchema<E>> } = {
  "conversion.created": bodySchema("conversion.created"),
  "conversion.approved": bodySchema("conversion.approved"),
  "conversion.rejected": bodySchema("conversion.rejected"),
  "partnership.created": bodySchema("partnership.created"),
  "endpoint.failing": bodySchema("endpoint.failing"),
  "endpoint.disabled": bodySchema("endpoint.disabled"),
  "endpoint.recovered": bodySchema("endpoint.recovered"),
};

/**
 * The delivery body, serialised once and stored as-is so every attempt sends the same bytes.
 * `data` goes through the event's schema: what is sent is exactly what is documented, and a
 * producer that drifts from it fails loudly here (a server bug, so a plain Error, never a 422).
 */
/** A producer's event data that does not fit its schema: a server bug, never a client's 422. */
export class EventDataMismatchError extends Error {
  override name = "EventDataMismatchError";
}

export function buildEventBody<E extends EventType>(event: E, data: EventData<E>, at: Date = new Date()): string {
  const parsed = EVENT_CATALOGUE[event].data.safeParse(data);
  if (!parsed.success) {
    throw new EventDataMismatchError(`The data of ${event} does not match its documented schema: ${z.prettifyError(parsed.error)}`);
  }
  return JSON.stringify({ event, data: parsed.data, timestamp: at.toISOString() });
}
