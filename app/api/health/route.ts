import { sql } from "drizzle-orm";
import { withPublic } from "@/lib/api/handlers";
import { getConfig } from "@/lib/config";
import { getDbHandle } from "@/lib/db";
import { otherMethods } from "@/lib/api/not-found";

export const dynamic = "force-dynamic";

// GET /api/health — the database answers; which engine delivers (for load balancers and e2e)
export const GET = withPublic(async () => {
  const { db, driver } = await getDbHandle();
  await db.execute(sql`select 1`);
  return Response.json({ ok: true, database: driver, engine: getConfig().engine });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
