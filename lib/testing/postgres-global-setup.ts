import { migratePostgres } from "@/lib/db";

// Vitest globalSetup for the "postgres" project: bring the shared database up to date once.
export default async function setup() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("the postgres test project needs DATABASE_URL");
  await migratePostgres(url);
}
