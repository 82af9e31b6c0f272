import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { getConfig } from "@/lib/config";
import { processSlot } from "@/lib/singleton";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Anything queries can run on: the db itself or an open transaction. */
export type Queryable = Db | Tx;

export interface DbHandle {
  db: Db;
  driver: "postgres" | "pglite";
  /** Subscribe to NOTIFY on a channel; returns the unsubscribe. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const MIGRATIONS = path.join(process.cwd(), "drizzle");

// One database per process: Next.js may load this module more than once (instrumentation,
// route bundles, dev hot reload) and PGlite must never be opened twice.
const current = processSlot("db");
// The delivery engine's own connections (PostgreSQL only): its claims and attempt writes never
// queue behind the requests' transactions, so API load cannot starve delivery.
const delivery = processSlot("deliveryDb");

export function getDbHandle(): Promise<DbHandle> {
  let handle = current.get();
  if (!handle) {
    handle = openDatabase().catch((err) => {
      current.set(undefined);
      throw err;
    });
    current.set(handle);
  }
  return handle;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/**
 * The connections the delivery engine works on (the embedded worker, its timers, the Inngest
 * function's steps): a pool of its own on PostgreSQL (`DATABASE_DELIVERY_POOL_MAX`), the one
 * embedded database on PGlite.
 */
export function getDeliveryDbHandle(): Promise<DbHandle> {
  if (pgliteLocation()) return getDbHandle();
  let handle = delivery.get();
  if (!handle) {
    const { databaseUrl, deliveryPoolMax } = getConfig();
    handle = openPostgres(databaseUrl!, deliveryPoolMax).catch((err) => {
      delivery.set(undefined);
      throw err;
    });
    delivery.set(handle);
  }
  return handle;
}

export async function getDeliveryDb(): Promise<Db> {
  return (await getDeliveryDbHandle()).db;
}

export async function closeDb(): Promise<void> {
  const handles = [delivery.get(), current.get()];
  delivery.set(undefined);
  current.set(undefined);
  for (const handle of handles) if (handle) await (await handle).close();
}

/** Where the embedded database lives, or null when DATABASE_URL names PostgreSQL. */
export function pgliteLocation(): string | null {
  const { databaseUrl, env } = getConfig();
  if (!databaseUrl) return env === "test" ? "memory" : path.join(process.cwd(), ".data", "pglite");
  if (databaseUrl.startsWith("pglite://")) return databaseUrl.slice("pglite://".length) || "memory";
  return null;
}

async function openDatabase(): Promise<DbHandle> {
  const location = pgliteLocation();
  const { databaseUrl, poolMax } = getConfig();
  return location ? openPglite(location) : openPostgres(databaseUrl!, poolMax);
}

async function openPostgres(url: string, max: number): Promise<DbHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(url, { max, onnotice: () => {} });
  const db = drizzle(client, { schema });
  return {
    db,
    driver: "postgres",
    async listen(channel, onNotify) {
      const sub = await client.listen(channel, onNotify);
      return () => sub.unlisten();
    },
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(location: string): Promise<DbHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  if (location !== "memory") mkdirSync(location, { recursive: true });
  const client = location === "memory" ? new PGlite() : new PGlite(location);
  const db = drizzle(client, { schema });
  // The embedded database is always brought up to date; PostgreSQL uses `npm run db:migrate`.
  await migrate(db, { migrationsFolder: MIGRATIONS });
  return {
    db,
    driver: "pglite",
    async listen(channel, onNotify) {
      return client.listen(channel, onNotify);
    },
    close: () => client.close(),
  };
}

/** Apply pending migrations to PostgreSQL (scripts/migrate.mts and the test setup). */
export async function migratePostgres(url: string): Promise<void> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // Serialise concurrent migrators (parallel test workers, several deploys).
    await client`select pg_advisory_lock(727274)`;
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
  } finally {
    await client.end({ timeout: 5 });
  }
}

export async function notify(db: Queryable, channel: string, payload = ""): Promise<void> {
  await db.execute(sql`select pg_notify(${channel}, ${payload})`);
}

/** The rows of a `db.execute` result: postgres.js answers an array, PGlite `{ rows }`. */
export function resultRows<T = Record<string, unknown>>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  if (result && typeof result === "object" && "rows" in result && Array.isArray(result.rows)) return result.rows as T[];
  throw new Error("unexpected query result shape");
}

export { schema };
