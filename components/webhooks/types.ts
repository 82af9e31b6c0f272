import type { EventType } from "@/lib/webhooks/events";

// The JSON shapes the dashboard reads from /api/webhooks/** (API.md; dates arrive as strings).

export type DeliveryStatus = "pending" | "succeeded" | "failed";

export interface Webhook {
  id: string;
  url: string;
  description: string;
  events: EventType[];
  enabled: boolean;
  disabledReason: string | null;
  /** Set while every delivery fails: since the first exhausted delivery after a success. */
  failingSince: string | null;
  /** When it will be disabled unless a delivery succeeds first. */
  disablesAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  secretRotatedAt: string | null;
  previousSecretExpiresAt: string | null;
  /** Only in GET /api/webhooks/:id: deliveries kept while the endpoint is disabled. */
  heldDeliveries?: number;
}

export type CreatedWebhook = Webhook & { secret: string };

export interface RotatedSecret {
  secret: string;
  previousSecretExpiresAt: string | null;
  /** Older secrets still in an earlier grace period that this rotation ended (at most two are valid). */
  endedPreviousSecrets: number;
}

export interface DeliveryAttempt {
  number: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseBodyExcerpt: string | null;
  requestHeaders?: Record<string, string>;
}

export interface Delivery {
  id: string;
  webhookId: string;
  eventId: string;
  event: EventType;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError?: string | null;
  test: boolean;
  createdAt: string;
  completedAt?: string | null;
  /** The event body exactly as sent (parsed JSON; a string if it was not JSON). */
  payload?: unknown;
  attempts: DeliveryAttempt[];
}

export interface DeliveryPage {
  data: Delivery[];
  nextCursor: string | null;
}

/** GET /api/webhooks/stats: each endpoint over the past 24 h. */
export interface WebhookSummaryStats {
  webhookId: string;
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
  successRate: number | null;
  lastDeliveryAt: string | null;
  lastStatus: DeliveryStatus | null;
}

/** One bucket of GET /api/webhooks/:id/stats: deliveries created then, and attempt latency. */
export interface StatsBucket {
  bucketStart: string;
  succeeded: number;
  failed: number;
  pending: number;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
}

export interface WebhookTimeline {
  webhookId: string;
  hours: number;
  bucketSeconds: number;
  buckets: StatsBucket[];
}
