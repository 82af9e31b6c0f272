import "server-only";
import { createHash } from "node:crypto";
import { and, count, desc, eq, isNull, lt, or } from "drizzle-orm";
import { ApiError } from "@/lib/api/errors";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { accounts, apiKeys, type Account, type ApiKey } from "@/lib/db/schema";
import { newId, randomString } from "@/lib/ids";
import type { z } from "zod";
import type { CreateApiKeyInput, apiKeyResponse, createdApiKeyResponse } from "./schemas";

const KEY_PREFIX = "pmk_";
const DISPLAY_LENGTH = KEY_PREFIX.length + 8;
// last_used_at is a hint, not an audit log: write it at most once a minute per key.
const LAST_USED_GRANULARITY_MS = 60_000;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function serializeApiKey(key: ApiKey): z.input<typeof apiKeyResponse> {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
  };
}

export async function listApiKeys(accountId: string) {
  const db = await getDb();
  return db.select().from(apiKeys).where(eq(apiKeys.accountId, accountId)).orderBy(desc(apiKeys.createdAt));
}

/**
 * A new key: only its hash is stored, so the plaintext is returned this once. An account has at
 * most API_KEYS_MAX_PER_ACCOUNT live keys (409 beyond); revoked ones do not count.
 */
export async function createApiKey(accountId: string, input: CreateApiKeyInput): Promise<z.input<typeof createdApiKeyResponse>> {
  const db = await getDb();
  const max = getConfig().maxApiKeysPerAccount;
  const key = `${KEY_PREFIX}${randomString(40)}`;
  const row = await db.transaction(async (tx) => {
    // The account row is the lock: two creates at once cannot both see room for one more.
    await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for("update");
    const [live] = await tx
      .select({ n: count() })
      .from(apiKeys)
      .where(and(eq(apiKeys.accountId, accountId), isNull(apiKeys.revokedAt)));
    if (live!.n >= max) {
      throw new ApiError(
        "conflict",
        `This account already has ${max} active API keys, the most allowed. Revoke one you no longer use, then create the new one.`,
        { maxActiveKeys: max },
      );
    }
    const [inserted] = await tx
      .insert(apiKeys)
      .values({
        id: newId("apiKey"),
        accountId,
        name: input.name,
        prefix: key.slice(0, DISPLAY_LENGTH),
        keyHash: hashApiKey(key),
      })
      .returning();
    return inserted!;
  });
  return { id: row.id, name: row.name, prefix: row.prefix, createdAt: row.createdAt, key };
}

/** Revoking is immediate: the next request with the key is refused. */
export async function revokeApiKey(accountId: string, id: string): Promise<void> {
  const db = await getDb();
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.accountId, accountId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (row) return;
  // Already revoked is fine (DELETE is idempotent); another account's key is not found.
  const [existing] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id), eq(apiKeys.accountId, accountId)));
  if (!existing) throw new ApiError("not_found", "API key not found.");
}

/** The account a live key belongs to, or null for an unknown or revoked key. */
export async function authenticateApiKey(key: string): Promise<{ account: Account; apiKey: ApiKey } | null> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return null;
  const db = await getDb();
  const [row] = await db
    .select({ apiKey: apiKeys, account: accounts })
    .from(apiKeys)
    .innerJoin(accounts, eq(accounts.id, apiKeys.accountId))
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  const now = new Date();
  const stale = new Date(now.getTime() - LAST_USED_GRANULARITY_MS);
  // The row just read says whether the hint is due: most requests skip the write's round trip.
  // The condition stays in the UPDATE too, so concurrent requests write it once.
  if (row.apiKey.lastUsedAt && row.apiKey.lastUsedAt >= stale) return row;
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, row.apiKey.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, stale))));
  return row;
}
