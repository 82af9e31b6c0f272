import type { z } from "zod";
import type {
  DELIVERY_STATUSES,
  createdWebhookResponse,
  deliveryAttemptResponse,
  deliveryPageResponse,
  deliveryResponse,
  rotatedSecretResponse,
  statsBucketResponse,
  webhookResponse,
  webhookSummaryResponse,
  webhookTimelineResponse,
} from "@/lib/webhooks/schemas";

// The JSON the dashboard reads from /api/webhooks/**: `z.infer` of the response schemas the
// serializers are typed by and the OpenAPI document is generated from (dates as strings).

export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type Webhook = z.infer<typeof webhookResponse>;
export type CreatedWebhook = z.infer<typeof createdWebhookResponse>;
export type RotatedSecret = z.infer<typeof rotatedSecretResponse>;
export type DeliveryAttempt = z.infer<typeof deliveryAttemptResponse>;
export type Delivery = z.infer<typeof deliveryResponse>;
export type DeliveryPage = z.infer<typeof deliveryPageResponse>;
/** GET /api/webhooks/stats: each endpoint over the past 24 h. */
export type WebhookSummaryStats = z.infer<typeof webhookSummaryResponse>;
/** One bucket of GET /api/webhooks/:id/stats: deliveries created then, and attempt latency. */
export type StatsBucket = z.infer<typeof statsBucketResponse>;
export type WebhookTimeline = z.infer<typeof webhookTimelineResponse>;
