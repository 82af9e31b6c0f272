import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// For tests of a migration's hand-written backfill: a fresh database of its own (a fresh PGlite,
// or on PostgreSQL a throwaway database beside DATABASE_URL's, dropped on close) and a copy of
// the migrations folder whose journal can stop just before the migration under test.

export interface MigrationScratch {
  /** Whether `tag` is in the journal at all. */
  readonly found: boolean;
  /** Apply every migration before `tag`: the database as it was before it. */
  migrateBefore(): Promise<void>;
  /** Apply the rest, `tag` included. */
  migrateAll(): Promise<void>;
  query(text: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

type Journal = { entries: Array<{ idx: number; tag: string }> };

export async function migrationScratch(tag: string, label: string): Promise<MigrationScratch> {
  const root = path.join(process.cwd(), "drizzle");
  const journal = JSON.parse(readFileSync(path.join(root, "meta", "_journal.json"), "utf8")) as Journal;
  const target = journal.entries.find((e) => e.tag === tag);
  const dir = mkdtempSync(path.join(tmpdir(), `${label}-`));
  cpSync(root, dir, { recursive: true });
  const journalPath = path.join(dir, "meta", "_journal.json");
  const db = await freshDatabase(label);
  return {
    found: target !== undefined,
    async migrateBefore() {
      writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.filter((e) => e.idx < target!.idx) }));
      await db.migrate(dir);
    },
    async migrateAll() {
      writeFileSync(journalPath, JSON.stringify(journal));
      await db.migrate(dir);
    },
    query: db.query,
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freshDatabase(label: string) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    const client = new PGlite();
    const db = drizzle(client);
    return {
      migrate: (folder: string) => migrate(db, { migrationsFolder: folder }),
      query: async (text: string) => (await client.query<Record<string, unknown>>(text)).rows,
      close: () => client.close(),
    };
  }
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const base = new URL(url);
  const name = `${base.pathname.slice(1)}_${label.replaceAll("-", "_")}_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}"`);
  await admin.unsafe(`create database "${name}"`);
  base.pathname = `/${name}`;
  const client = postgres(base.toString(), { max: 1, onnotice: () => {} });
  const db = drizzle(client);
  return {
    migrate: (folder: string) => migrate(db, { migrationsFolder: folder }),
    query: async (text: string) => [...(await client.unsafe(text))] as Record<string, unknown>[],
    async close() {
      await client.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists "${name}"`);
      await admin.end({ timeout: 5 });
    },
  };
}
