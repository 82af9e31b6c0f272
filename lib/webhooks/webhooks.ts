import "server-only";
import { and, count, desc, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import { ApiError } from "@/lib/api/errors";
import { getDb, type Queryable } from "@/lib/db";
import { accounts, deliveries, webhookSecrets, webhooks, type Webhook } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { discardHeldDeliveries, heldDeliveryIds, heldOf } from "./delivery";
import { enabledHealth, manuallyDisabledHealth, MANUALLY_DISABLED_REASON } from "./endpoint-policy";
import { wakeDeliveryEngine } from "./engine";
import type { z } from "zod";
import { limitSecretRotations } from "./fan-out-limits";
import {
  MAX_URL_LENGTH,
  MAX_WEBHOOKS_PER_ACCOUNT,
  type createdWebhookResponse,
  type rotatedSecretResponse,
  type CreateWebhookInput,
  type RotateSecretInput,
  type UpdateWebhookInput,
} from "./schemas";
import { assertProgramsAllowed, encryptHeaders, mergeHeaders } from "./endpoint-options";
import { encryptSecret, generateSigningSecret } from "./secrets";
import { serializeWebhook } from "./serializers";
import { validateWebhookUrl } from "./ssrf";

// Webhook endpoints of an account: CRUD, enabling (with its held deliveries) and secret
// rotation. Every query names the account: another account's endpoint is "not found".

export { DISCARDED_HELD_ERROR } from "./delivery";
export { MANUALLY_DISABLED_REASON };

const notFound = () => new ApiError("not_found", "Webhook not found.");

// Per webhook, when its newest rotated-out secret that still signs stops (null: none does).
// A joined subquery, not a correlated one: drizzle unqualifies columns in single-table selects.
function previousSecrets(db: Queryable, accountId: string) {
  const accountWebhooks = db.select({ id: webhooks.id }).from(webhooks).where(eq(webhooks.accountId, accountId));
  return db
    .select({
      webhookId: webhookSecrets.webhookId,
      expiresAt: sql<Date | null>`max(${webhookSecrets.expiresAt})`.mapWith(webhookSecrets.expiresAt).as("previous_expires_at"),
    })
    .from(webhookSecrets)
    .where(and(inArray(webhookSecrets.webhookId, accountWebhooks), gt(webhookSecrets.expiresAt, sql`now()`)))
    .groupBy(webhookSecrets.webhookId)
    .as("previous_secrets");
}

export async function listWebhooks(accountId: string) {
  const db = await getDb();
  const previous = previousSecrets(db, accountId);
  const rows = await db
    .select({ webhook: webhooks, previousSecretExpiresAt: previous.expiresAt })
    .from(webhooks)
    .leftJoin(previous, eq(previous.webhookId, webhooks.id))
    .where(eq(webhooks.accountId, accountId))
    .orderBy(desc(webhooks.createdAt), desc(webhooks.id));
  return rows.map((r) => serializeWebhook(r.webhook, { previousSecretExpiresAt: r.previousSecretExpiresAt }));
}

/** One endpoint, with how many deliveries are held while it is disabled. */
export async function getWebhook(accountId: string, id: string) {
  const db = await getDb();
  const previous = previousSecrets(db, accountId);
  const [row] = await db
    .select({ webhook: webhooks, previousSecretExpiresAt: previous.expiresAt })
    .from(webhooks)
    .leftJoin(previous, eq(previous.webhookId, webhooks.id))
    .where(and(eq(webhooks.id, id), eq(webhooks.accountId, accountId)));
  if (!row) throw notFound();
  const heldDeliveries = row.webhook.enabled ? 0 : await countPendingDeliveries(db, accountId, id);
  return serializeWebhook(row.webhook, { previousSecretExpiresAt: row.previousSecretExpiresAt, heldDeliveries });
}

/** A new endpoint and its first signing secret; the secret is returned this once. */
export async function createWebhook(
  accountId: string,
  given: WithOptionalOptions<CreateWebhookInput>,
): Promise<z.input<typeof createdWebhookResponse>> {
  const input = { headers: {}, rateLimitPerSecond: null, fifo: false, programIds: null, ...given };
  const url = allowedUrl(input.url);
  const db = await getDb();
  await assertProgramsAllowed(db, accountId, input.programIds);
  const secret = generateSigningSecret();
  const webhook = await db.transaction(async (tx) => {
    // Serialise creations per account so two at once cannot both pass the limit.
    await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for("update");
    const [existing] = await tx.select({ n: count() }).from(webhooks).where(eq(webhooks.accountId, accountId));
    if ((existing?.n ?? 0) >= MAX_WEBHOOKS_PER_ACCOUNT) {
      throw new ApiError(
        "conflict",
        `An account can have at most ${MAX_WEBHOOKS_PER_ACCOUNT} webhook endpoints; delete one before adding another.`,
      );
    }
    const [row] = await tx
      .insert(webhooks)
      .values({
        id: newId("webhook"),
        accountId,
        url,
        description: input.description,
        events: input.events,
        enabled: input.enabled,
        ...(input.enabled ? {} : manuallyDisabledHealth()),
        customHeaders: encryptHeaders(input.headers),
        rateLimitPerSecond: input.rateLimitPerSecond,
        fifo: input.fifo,
        programIds: input.programIds,
      })
      .returning();
    await tx.insert(webhookSecrets).values({ id: newId("webhookSecret"), webhookId: row!.id, ciphertext: encryptSecret(secret) });
    return row!;
  });
  // The one response that shows the custom header values: the caller just sent them.
  return { ...serializeWebhook(webhook, { previousSecretExpiresAt: null }), headers: input.headers, secret };
}

/**
 * Change any subset of the fields. Enabling clears the disabled reason and the failure streak,
 * and sends the deliveries held while the endpoint was disabled — or, with `discardHeld`, marks
 * them failed with a clear last error (replay or retry-failed can still send them later).
 */
export async function updateWebhook(accountId: string, id: string, input: UpdateWebhookInput) {
  const url = input.url === undefined ? undefined : allowedUrl(input.url);
  const db = await getDb();
  if (input.programIds !== undefined) await assertProgramsAllowed(db, accountId, input.programIds);
  const { webhook, released } = await db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.id, id), eq(webhooks.accountId, accountId)))
      // Not FOR UPDATE: no key changes, so new deliveries' foreign-key checks need not wait.
      .for("no key update");
    if (!current) throw notFound();

    const changes: Partial<typeof webhooks.$inferInsert> = { updatedAt: new Date() };
    if (url !== undefined) changes.url = url;
    if (input.description !== undefined) changes.description = input.description;
    if (input.events !== undefined) changes.events = input.events;
    if (input.headers !== undefined) changes.customHeaders = mergeHeaders(current.customHeaders, input.headers);
    if (input.rateLimitPerSecond !== undefined) {
      // A new rate starts afresh: turns spread at the old rate would hold back deliveries put back later.
      Object.assign(changes, { rateLimitPerSecond: input.rateLimitPerSecond, nextSendAt: null, throttleQueueUntil: null });
    }
    if (input.fifo !== undefined) changes.fifo = input.fifo;
    if (input.programIds !== undefined) changes.programIds = input.programIds;
    // The endpoint rule's answer to the owner: enabling starts it healthy (endpoint-policy.ts).
    if (input.enabled === true && !current.enabled) Object.assign(changes, enabledHealth());
    if (input.enabled === false && current.enabled) Object.assign(changes, manuallyDisabledHealth());
    const [row] = await tx
      .update(webhooks)
      .set(changes)
      .where(and(eq(webhooks.id, id), eq(webhooks.accountId, accountId)))
      .returning();

    // Only a disabled endpoint has held deliveries; an enabled one's pending ones are in flight.
    let released: string[] = [];
    if (input.enabled === true && !current.enabled) {
      if (input.discardHeld) await discardHeldDeliveries(tx, accountId, id);
      else released = await heldDeliveryIds(tx, accountId, id);
    }
    return { webhook: row!, released };
  });
  await wakeDeliveryEngine(released);
  return serializeWebhook(webhook, {
    previousSecretExpiresAt: await latestPreviousSecretExpiry(db, id),
    heldDeliveries: webhook.enabled ? 0 : await countPendingDeliveries(db, accountId, id),
  });
}

type OptionFields = "headers" | "rateLimitPerSecond" | "fifo" | "programIds";
/** Callers in code (demo seed, tests) may leave the options out: they default as in the API. */
type WithOptionalOptions<T extends Record<OptionFields, unknown>> = Omit<T, OptionFields> & Partial<Pick<T, OptionFields>>;

/** Deleting an endpoint removes its secrets and delivery log with it. */
export async function deleteWebhook(accountId: string, id: string): Promise<void> {
  const db = await getDb();
  const [row] = await db
    .delete(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.accountId, accountId)))
    .returning({ id: webhooks.id });
  if (!row) throw notFound();
}

/**
 * A new current secret; the one it replaces keeps signing for the grace period (0 = stops at
 * once), never longer than it already would. At most two secrets are valid at any time: any
 * older one still in an earlier rotation's grace period stops now (`endedPreviousSecrets` says
 * how many), so a rotation with no grace also ends everything — what you want after a leak.
 * Limited per endpoint (429).
 */
export async function rotateWebhookSecret(
  accountId: string,
  id: string,
  input: RotateSecretInput,
): Promise<z.input<typeof rotatedSecretResponse>> {
  await limitSecretRotations(accountId, id);
  const db = await getDb();
  const secret = generateSigningSecret();
  const now = new Date();
  const graceEnds = new Date(now.getTime() + input.gracePeriodSeconds * 1000);
  const { previousSecretExpiresAt, endedPreviousSecrets } = await db.transaction(async (tx) => {
    // Locks the endpoint: rotations of one endpoint run one at a time.
    const [webhook] = await tx
      .update(webhooks)
      .set({ secretRotatedAt: now, updatedAt: now })
      .where(and(eq(webhooks.id, id), eq(webhooks.accountId, accountId)))
      .returning({ id: webhooks.id });
    if (!webhook) throw notFound();
    // Valid now, newest first (as deliveries sign): the current secret, then any in a grace period.
    const [current, ...older] = await tx
      .select({ id: webhookSecrets.id, createdAt: webhookSecrets.createdAt, expiresAt: webhookSecrets.expiresAt })
      .from(webhookSecrets)
      .where(and(eq(webhookSecrets.webhookId, id), or(isNull(webhookSecrets.expiresAt), gt(webhookSecrets.expiresAt, now))))
      .orderBy(desc(webhookSecrets.createdAt), desc(webhookSecrets.id));
    let previousExpiry: Date | null = null;
    if (current) {
      previousExpiry = current.expiresAt && current.expiresAt < graceEnds ? current.expiresAt : graceEnds;
      await tx.update(webhookSecrets).set({ expiresAt: previousExpiry }).where(eq(webhookSecrets.id, current.id));
    }
    if (older.length > 0) {
      await tx
        .update(webhookSecrets)
        .set({ expiresAt: now })
        .where(inArray(webhookSecrets.id, older.map((o) => o.id)));
    }
    await tx.insert(webhookSecrets).values({
      id: newId("webhookSecret"),
      webhookId: id,
      ciphertext: encryptSecret(secret),
      // Strictly newest, even two rotations within one millisecond: "newest first" orders signatures.
      createdAt: current && current.createdAt >= now ? new Date(current.createdAt.getTime() + 1) : now,
    });
    return {
      previousSecretExpiresAt: previousExpiry && previousExpiry > now ? previousExpiry : null,
      endedPreviousSecrets: older.length,
    };
  });
  return { secret, previousSecretExpiresAt, endedPreviousSecrets };
}

async function latestPreviousSecretExpiry(db: Queryable, webhookId: string): Promise<Date | null> {
  const [row] = await db
    .select({ latest: sql<Date | null>`max(${webhookSecrets.expiresAt})`.mapWith(webhookSecrets.expiresAt) })
    .from(webhookSecrets)
    .where(and(eq(webhookSecrets.webhookId, webhookId), gt(webhookSecrets.expiresAt, sql`now()`)));
  return row?.latest ?? null;
}

async function countPendingDeliveries(db: Queryable, accountId: string, webhookId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(deliveries)
    .where(heldOf(accountId, webhookId));
  return row?.n ?? 0;
}

/** The webhook row itself, tenant-scoped; for modules that only need to know it is the caller's. */
export async function findWebhook(db: Queryable, accountId: string, id: string): Promise<Webhook | undefined> {
  const [row] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.accountId, accountId)));
  return row;
}

export async function assertWebhookExists(db: Queryable, accountId: string, id: string): Promise<void> {
  if (!(await findWebhook(db, accountId, id))) throw notFound();
}

// The schema checked the URL's shape; the server's rules (https only in production, no private,
// loopback, link-local or metadata literal unless the operator allows private targets) live in
// the SSRF guard. Delivery re-checks the resolved addresses on every attempt.
// What is stored is the parser's serialisation (host lower-cased, dot segments resolved, spaces
// percent-encoded), which is exactly what a delivery calls: the dashboard shows the called URL.
function allowedUrl(url: string): string {
  const check = validateWebhookUrl(url);
  if (!check.ok) throw invalidUrl(`The URL ${check.reason}.`);
  if (check.url.href.length > MAX_URL_LENGTH) {
    throw invalidUrl(`Use a URL of at most ${MAX_URL_LENGTH} characters once percent-encoded.`);
  }
  return check.url.href;
}

function invalidUrl(message: string) {
  return new ApiError("unprocessable", "The request is invalid; see details.", { fieldErrors: { url: [message] }, formErrors: [] });
}
