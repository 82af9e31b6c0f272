import { createHmac, timingSafeEqual } from "node:crypto";

// Every delivery is signed twice, so receivers can use either scheme:
//  - X-Webhook-Signature: t=<unix s>,v1=<hex HMAC-SHA256("<t>.<body>")>, keyed with the secret
//    string exactly as shown (`whsec_…` as UTF-8 bytes) — the scheme the public page documents;
//  - Standard Webhooks (webhook-id / webhook-timestamp / webhook-signature), keyed with the
//    base64-decoded part after `whsec_`, so its libraries verify as they are.
// During a rotation grace period there is one signature per valid secret, newest first.

export const USER_AGENT = "PartnersMy-Webhooks/1.0 (+https://partnersmy.com/docs/webhooks)";
export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** The current secret and the one in a rotation grace period: never more signatures than this. */
export const MAX_SIGNING_SECRETS = 2;

/** Hex HMAC-SHA256 of "<t>.<body>" keyed with the whole secret string. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** `v1,<base64 HMAC-SHA256 of "<id>.<ts>.<body>">` keyed with the decoded `whsec_` bytes. */
export function signStandardWebhook(secret: string, msgId: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${msgId}.${timestamp}.${body}`).digest("base64")}`;
}

export interface SignedHeadersInput {
  deliveryId: string;
  eventType: string;
  attemptNumber: number;
  body: string;
  /** Valid secrets, newest first. */
  secrets: string[];
  timestamp?: number;
}

/** All headers of one delivery attempt. */
export function buildDeliveryHeaders(input: SignedHeadersInput): Record<string, string> {
  const t = input.timestamp ?? Math.floor(Date.now() / 1000);
  const v1 = input.secrets.map((s) => `v1=${signPayload(s, t, input.body)}`);
  const standard = input.secrets.map((s) => signStandardWebhook(s, input.deliveryId, t, input.body));
  return {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "x-webhook-event": input.eventType,
    "x-webhook-delivery": input.deliveryId,
    "x-webhook-attempt": String(input.attemptNumber),
    "x-webhook-signature": [`t=${t}`, ...v1].join(","),
    "webhook-id": input.deliveryId,
    "webhook-timestamp": String(t),
    "webhook-signature": standard.join(" "),
  };
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Receiver side of X-Webhook-Signature: true when any v1 matches `secret` and the timestamp
 * is within the tolerance (replays of old requests are refused).
 */
export function verifySignatureHeader(
  header: string | null | undefined,
  rawBody: string,
  secret: string,
  opts: { toleranceSeconds?: number; now?: Date } = {},
): VerifyResult {
  if (!header) return { ok: false, reason: "missing X-Webhook-Signature header" };
  let timestamp: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const [k, v] = part.trim().split("=", 2);
    if (k === "t" && v && /^\d+$/.test(v)) timestamp = Number(v);
    else if (k === "v1" && v) candidates.push(v);
  }
  if (timestamp === null) return { ok: false, reason: "no t= timestamp in the signature header" };
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - timestamp) > (opts.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) {
    return { ok: false, reason: "timestamp outside the tolerance" };
  }
  const expected = Buffer.from(signPayload(secret, timestamp, rawBody), "hex");
  const match = candidates.some((c) => {
    const given = Buffer.from(c, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return match ? { ok: true, timestamp } : { ok: false, reason: "no v1 signature matches this secret" };
}
