import type { z } from "zod";
import { getConfig } from "@/lib/config";
import type { Delivery, DeliveryAttempt, Webhook } from "@/lib/db/schema";
import { disablesAt } from "./endpoint-policy";
import { maskHeaders } from "./endpoint-options";
import { isEventType } from "./events";
import type { deliveryAttemptResponse, deliveryResponse, WaitReason, webhookResponse } from "./schemas";

// One serializer per resource: a response is built field by field from these, so a new
// column (or a secret) never reaches a client by accident. Each returns `z.input` of its
// response schema in ./schemas.ts (Dates; JSON turns them into the documented strings).

/** Facts about a webhook that live outside its row. */
export interface WebhookExtras {
  /** When the newest still-valid rotated-out secret stops signing; null when none is valid. */
  previousSecretExpiresAt: Date | null;
  /** Deliveries kept while the endpoint is disabled (only in GET /api/webhooks/:id). */
  heldDeliveries?: number;
}

export function serializeWebhook(webhook: Webhook, extras: WebhookExtras): SerializedWebhook {
  return {
    id: webhook.id,
    url: webhook.url,
    description: webhook.description,
    // The column is text[]; only catalogue names are ever written (the input schema checks them).
    events: webhook.events.filter(isEventType),
    enabled: webhook.enabled,
    disabledReason: webhook.disabledReason,
    disabledReasonCause: webhook.disabledReasonCause,
    // Health (endpoint-policy.ts): failing since the first exhausted delivery after a success,
    // disabled at disablesAt unless a delivery succeeds first.
    failingSince: webhook.failingSince,
    disablesAt:
      webhook.enabled && webhook.failingSince ? disablesAt(webhook.failingSince, { disableAfterMs: getConfig().disableAfterMs }) : null,
    lastError: webhook.lastError,
    lastErrorCause: webhook.lastErrorCause,
    createdAt: webhook.createdAt,
    updatedAt: webhook.updatedAt,
    secretRotatedAt: webhook.secretRotatedAt,
    previousSecretExpiresAt: extras.previousSecretExpiresAt,
    // Options: header values are secrets, shown by name only.
    headers: maskHeaders(webhook.customHeaders),
    rateLimitPerSecond: webhook.rateLimitPerSecond,
    fifo: webhook.fifo,
    programIds: webhook.programIds,
    ...(extras.heldDeliveries === undefined ? {} : { heldDeliveries: extras.heldDeliveries }),
  };
}

export type SerializedWebhook = z.input<typeof webhookResponse>;

export function serializeAttempt(attempt: DeliveryAttempt): z.input<typeof deliveryAttemptResponse> {
  return {
    number: attempt.number,
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
    statusCode: attempt.statusCode,
    error: attempt.error,
    errorCause: attempt.errorCause,
    responseBodyExcerpt: attempt.responseBodyExcerpt,
    requestHeaders: attempt.requestHeaders,
  };
}

/** A delivery with its event body (`payload`, exactly what the receiver gets) and attempts. */
export function serializeDelivery(
  delivery: Delivery,
  eventBody: string,
  attempts: DeliveryAttempt[],
  waitReason: WaitReason | null = null,
): SerializedDelivery {
  return {
    id: delivery.id,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
    event: eventTypeOf(delivery.eventType),
    status: delivery.status,
    attemptCount: delivery.attemptCount,
    nextAttemptAt: delivery.nextAttemptAt,
    waitReason: delivery.status === "pending" ? waitReason : null,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    lastErrorCause: delivery.lastErrorCause,
    test: delivery.test,
    createdAt: delivery.createdAt,
    completedAt: delivery.completedAt,
    payload: parsePayload(eventBody),
    attempts: [...attempts].sort((a, b) => a.number - b.number).map(serializeAttempt),
  };
}

export type SerializedDelivery = z.input<typeof deliveryResponse>;

// Event bodies are written by buildEventBody, so they are JSON; keep the raw text otherwise.
export function parsePayload(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

export function eventTypeOf(name: string) {
  if (!isEventType(name)) throw new Error(`An event type not in the catalogue: ${name}`);
  return name;
}
