// npm run db:migrate — bring the database named by DATABASE_URL up to date.
// An embedded PGlite (DATABASE_URL unset or pglite://…) migrates itself on open.
import { closeDb, getDbHandle, migratePostgres, pgliteLocation } from "@/lib/db";
import { getConfig } from "@/lib/config";

const { databaseUrl } = getConfig();
if (pgliteLocation()) {
  await getDbHandle();
  await closeDb();
  console.log(`migrated the embedded database (${pgliteLocation()})`);
} else {
  await migratePostgres(databaseUrl!);
  console.log("migrated PostgreSQL");
}
