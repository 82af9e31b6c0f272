import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { deliveries, deliveryAttempts, webhooks, webhookSecrets } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { encryptHeaders } from "@/lib/webhooks/endpoint-options";
import { wakeDeliveryEngine } from "@/lib/webhooks/engine";
import { EVENT_CATALOGUE, type EventType } from "@/lib/webhooks/events";
import { enqueueEvent } from "@/lib/webhooks/outbox";
import { encryptSecret, generateSigningSecret } from "@/lib/webhooks/secrets";

// Test set-up for delivery tests: endpoints written straight to the database (the management
// API is another module's concern) and events emitted through the real outbox.

export async function createTestWebhook(
  accountId: string,
  url: string,
  opts: {
    events?: EventType[];
    enabled?: boolean;
    secretCount?: number;
    /** Endpoint options (lib/webhooks/endpoint-options.ts); header values in the clear. */
    headers?: Record<string, string>;
    rateLimitPerSecond?: number;
    fifo?: boolean;
    programIds?: string[];
  } = {},
) {
  const db = await getDb();
  const id = newId("webhook");
  await db.insert(webhooks).values({
    id,
    accountId,
    url,
    events: opts.events ?? ["conversion.created"],
    enabled: opts.enabled ?? true,
    customHeaders: opts.headers ? encryptHeaders(opts.headers) : null,
    rateLimitPerSecond: opts.rateLimitPerSecond ?? null,
    fifo: opts.fifo ?? false,
    programIds: opts.programIds ?? null,
  });
  // Oldest first in time; a rotated-out secret stays valid for a day. Returned newest first.
  const secrets: string[] = [];
  const count = opts.secretCount ?? 1;
  for (let i = 0; i < count; i++) {
    const secret = generateSigningSecret();
    const current = i === count - 1;
    await db.insert(webhookSecrets).values({
      id: newId("webhookSecret"),
      webhookId: id,
      ciphertext: encryptSecret(secret),
      createdAt: new Date(Date.now() - (count - i) * 1000),
      expiresAt: current ? null : new Date(Date.now() + 86_400_000),
    });
    secrets.unshift(secret);
  }
  return { webhookId: id, secrets };
}

/** Emit an event to the account's subscribed endpoints the way business code does, then wake the engine. */
export async function emitTestEvent(accountId: string, type: EventType = "conversion.created", opts: { wake?: boolean } = {}) {
  const db = await getDb();
  const result = await db.transaction((tx) =>
    enqueueEvent(tx, { type, data: EVENT_CATALOGUE[type].sample, recipientAccountIds: [accountId] }),
  );
  if (opts.wake ?? true) await wakeDeliveryEngine(result.deliveryIds);
  return result;
}

export async function getDelivery(id: string) {
  const db = await getDb();
  const [row] = await db.select().from(deliveries).where(eq(deliveries.id, id));
  if (!row) throw new Error(`no delivery ${id}`);
  return row;
}

export async function getAttempts(deliveryId: string) {
  const db = await getDb();
  const rows = await db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId));
  return rows.sort((a, b) => a.number - b.number);
}

export async function getWebhook(id: string) {
  const db = await getDb();
  const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id));
  if (!row) throw new Error(`no webhook ${id}`);
  return row;
}

/** Settings for delivery tests: short retries, loopback allowed. Call resetConfigForTests() after. */
export function useFastDeliverySettings(overrides: Record<string, string> = {}) {
  Object.assign(process.env, {
    WEBHOOK_RETRY_DELAYS_MS: "50,100,150",
    WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
    WEBHOOK_TIMEOUT_MS: "2000",
    ...overrides,
  });
}
