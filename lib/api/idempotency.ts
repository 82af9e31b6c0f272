import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { getDb, type Tx } from "@/lib/db";
import { idempotencyKeys } from "@/lib/db/schema";
import { ApiError } from "./errors";

// `Idempotency-Key` for POST endpoints, the way Stripe does it:
// - the first request with a key runs and its response is stored with a hash of the request;
// - a repeat with the same request gets the stored response (same status and body, plus
//   `Idempotent-Replayed: true`) and changes nothing;
// - the same key with a different request is refused with 422.
// The key row is written inside the same transaction as the business change, FIRST: a
// concurrent repeat blocks on its unique key until the first commits, then replays its
// result, so two requests can never both create (and both emit). Only successful results are
// stored: a request that fails (404, 422 …) rolls back with its key and may be retried as is.
// Keys are kept; pruning rows older than a day (Stripe's window) is an operator job.

export const IDEMPOTENCY_HEADER = "idempotency-key";
const MAX_KEY_LENGTH = 255;

export type IdempotentOutcome = {
  status: number;
  body: unknown;
  /** Runs after the transaction commits, and only on a first run, never on a replay. */
  afterCommit?: () => Promise<void>;
};

export interface IdempotencyScope {
  accountId: string;
  /** The operation, e.g. "POST /api/v1/conversions": the same key may be used on other routes. */
  scope: string;
  /** The validated request; repeats are compared by a hash of its canonical JSON. */
  request: unknown;
}

/**
 * Run `execute` in a transaction, honouring the request's Idempotency-Key when it has one,
 * and answer with its Response. Without the header it simply runs once.
 */
export async function respondIdempotently(
  req: Request,
  scope: IdempotencyScope,
  execute: (tx: Tx) => Promise<IdempotentOutcome>,
): Promise<Response> {
  const key = readIdempotencyKey(req);
  const db = await getDb();
  const requestHash = hashRequest(scope.request);

  const result = await db.transaction(async (tx) => {
    if (key !== null) {
      const claimed = await tx
        .insert(idempotencyKeys)
        // Placeholder response, replaced below before the commit; nobody can read it earlier.
        .values({ accountId: scope.accountId, scope: scope.scope, key, requestHash, responseStatus: 0, responseBody: {} })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (claimed.length === 0) return { replayed: true as const, stored: await readStored(tx, scope, key) };
    }
    const outcome = await execute(tx);
    // Store what the client will see: the JSON round trip turns Dates into strings both ways.
    const body: unknown = JSON.parse(JSON.stringify(outcome.body));
    if (key !== null) {
      await tx
        .update(idempotencyKeys)
        .set({ responseStatus: outcome.status, responseBody: body })
        .where(keyIs(scope, key));
    }
    return { replayed: false as const, outcome, body };
  });

  if (result.replayed) {
    if (result.stored.requestHash !== requestHash) {
      throw new ApiError(
        "unprocessable",
        "This Idempotency-Key was already used with a different request. Use a new key for a new request.",
      );
    }
    return Response.json(result.stored.responseBody, {
      status: result.stored.responseStatus,
      headers: { "idempotent-replayed": "true" },
    });
  }
  await result.outcome.afterCommit?.();
  return Response.json(result.body, { status: result.outcome.status });
}

/** The Idempotency-Key header, or null when absent; a malformed one is a 400. */
export function readIdempotencyKey(req: Request): string | null {
  const raw = req.headers.get(IDEMPOTENCY_HEADER);
  if (raw === null) return null;
  const key = raw.trim();
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x20-\x7e]+$/.test(key)) {
    throw new ApiError(
      "bad_request",
      `The Idempotency-Key header must be 1 to ${MAX_KEY_LENGTH} printable ASCII characters (a UUID is a good choice).`,
    );
  }
  return key;
}

/** SHA-256 of the request's canonical JSON: object keys sorted, so key order does not matter. */
export function hashRequest(request: unknown): string {
  return createHash("sha256").update(canonicalJson(request)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

async function readStored(tx: Tx, scope: IdempotencyScope, key: string) {
  const [row] = await tx.select().from(idempotencyKeys).where(keyIs(scope, key)).limit(1);
  // The conflicting row was committed before our insert returned, so it is visible here.
  if (!row) throw new Error("idempotency key conflicted but its row is not visible");
  return row;
}

function keyIs(scope: IdempotencyScope, key: string) {
  return and(
    eq(idempotencyKeys.accountId, scope.accountId),
    eq(idempotencyKeys.scope, scope.scope),
    eq(idempotencyKeys.key, key),
  );
}
