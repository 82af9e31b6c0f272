import { z } from "zod";
import { clientDateTime } from "@/lib/api/date-time";
import { EVENT_TYPES, eventType } from "./events";

// Inputs of the webhook management endpoints. The dashboard forms import these same schemas,
// so this file stays client-safe: zod and the event catalogue only. Checks that need the
// server (production-only address rules, see lib/webhooks/ssrf.ts) run in lib/webhooks/webhooks.ts.

export const MAX_WEBHOOKS_PER_ACCOUNT = 50;
export const MAX_URL_LENGTH = 2048;
export const MAX_GRACE_PERIOD_SECONDS = 7 * 24 * 60 * 60;
export const DEFAULT_GRACE_PERIOD_SECONDS = 24 * 60 * 60;
export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;

/** An absolute http(s) URL without credentials in it. */
export const webhookUrl = z
  .string("Enter the URL of your endpoint.")
  .trim()
  .min(1, "Enter the URL of your endpoint.")
  .max(MAX_URL_LENGTH, `Use a URL of at most ${MAX_URL_LENGTH} characters.`)
  .superRefine((value, ctx) => {
    const problem = describeUrlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

// Control characters are refused, not dropped: the URL parser deletes tabs and line breaks
// anywhere in a URL, so "https://hooks.exa<TAB>mple.com" would be called as hooks.example.com
// while the dashboard showed the text as typed. Such a URL is a paste mistake to point out,
// not to guess at. (Leading and trailing whitespace is trimmed above, as in any form field.)
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

function describeUrlProblem(value: string): string | null {
  if (CONTROL_CHARACTER.test(value)) return "Remove the control characters (tabs, line breaks) from the URL.";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter an absolute URL, e.g. https://example.com/webhooks.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "The URL must start with https:// or http://.";
  if (!url.hostname) return "The URL must name a host.";
  if (url.username || url.password) return "Leave credentials out of the URL; verify the signature instead.";
  return null;
}

const eventList = z
  .array(eventType, `Choose at least one of: ${EVENT_TYPES.join(", ")}.`)
  .min(1, "Subscribe to at least one event.")
  .transform((list) => [...new Set(list)]);

const webhookFields = {
  url: webhookUrl,
  events: eventList,
  description: z.string().trim().max(500, "Keep the description under 500 characters."),
  enabled: z.boolean(),
};

export const createWebhookInput = z.strictObject({
  ...webhookFields,
  description: webhookFields.description.default(""),
  enabled: webhookFields.enabled.default(true),
});
export type CreateWebhookInput = z.infer<typeof createWebhookInput>;

// PATCH: any subset of the create fields, plus `discardHeld`. Built from the create fields made
// partial WITHOUT their defaults: in zod 4 `createWebhookInput.partial()` still fills defaults
// in, so `{ description: "x" }` would come out with `enabled: true` and re-enable the endpoint.
//
// Re-enabling sends the deliveries held while the endpoint was disabled; `{ enabled: true,
// discardHeld: true }` marks them failed instead (replay or retry-failed can still send them).
// The dashboard learns how many are held from `heldDeliveries` in GET /api/webhooks/:id and
// asks before re-enabling.
export const updateWebhookInput = z
  .strictObject({
    ...z.strictObject(webhookFields).partial().shape,
    discardHeld: z.boolean().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), "Change at least one field.")
  .refine((v) => !v.discardHeld || v.enabled === true, {
    message: "discardHeld only applies when re-enabling the endpoint (enabled: true).",
    path: ["discardHeld"],
  });
export type UpdateWebhookInput = z.infer<typeof updateWebhookInput>;

export const rotateSecretInput = z.strictObject({
  gracePeriodSeconds: z
    .number("gracePeriodSeconds must be a number of seconds.")
    .int("gracePeriodSeconds must be a whole number of seconds.")
    .min(0, "gracePeriodSeconds cannot be negative.")
    .max(MAX_GRACE_PERIOD_SECONDS, `gracePeriodSeconds can be at most ${MAX_GRACE_PERIOD_SECONDS} (7 days).`)
    .default(DEFAULT_GRACE_PERIOD_SECONDS),
});
export type RotateSecretInput = z.infer<typeof rotateSecretInput>;

// Query strings: `?status=` (empty) means "no filter", as a form with a blank select sends it.
const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

export const listDeliveriesQuery = z.object({
  status: z.preprocess(blankToUndefined, z.enum(DELIVERY_STATUSES, "status must be pending, succeeded or failed.").optional()),
  event: z.preprocess(blankToUndefined, eventType.optional()),
  limit: z.preprocess(
    blankToUndefined,
    z.coerce
      .number("limit must be a number.")
      .int("limit must be a whole number.")
      .min(1, "limit must be at least 1.")
      .max(100, "limit can be at most 100.")
      .default(20),
  ),
  cursor: z.preprocess(blankToUndefined, z.string().max(200, "The cursor is not valid.").optional()),
});
export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuery>;

export const retryFailedInput = z
  .strictObject({
    webhookId: z.string().min(1).max(100).optional(),
    since: clientDateTime.optional(),
    until: clientDateTime.optional(),
  })
  .refine((v) => !v.since || !v.until || !(Date.parse(v.since) >= Date.parse(v.until)), {
    message: "since must be before until.",
    path: ["until"],
  });
export type RetryFailedInput = z.infer<typeof retryFailedInput>;

export const MIN_STATS_HOURS = 24;
export const MAX_STATS_HOURS = 720;

export const webhookStatsQuery = z.object({
  hours: z.preprocess(
    blankToUndefined,
    z.coerce
      .number("hours must be a number.")
      .int("hours must be a whole number.")
      .min(MIN_STATS_HOURS, `hours must be at least ${MIN_STATS_HOURS}.`)
      .max(MAX_STATS_HOURS, `hours can be at most ${MAX_STATS_HOURS}.`)
      .default(MIN_STATS_HOURS),
  ),
});
export type WebhookStatsQuery = z.infer<typeof webhookStatsQuery>;
