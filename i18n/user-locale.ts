import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { users } from "@/lib/db/schema";
import { isLocale, type Locale } from "./locales";

/** The language on a user's profile, or null when they never chose one. */
export async function getUserLocale(userId: string): Promise<Locale | null> {
  const db = await getDb();
  const [row] = await db.select({ locale: users.locale }).from(users).where(eq(users.id, userId));
  return isLocale(row?.locale) ? row.locale : null;
}

export async function setUserLocale(accountId: string, userId: string, locale: Locale): Promise<void> {
  const db = await getDb();
  await db.update(users).set({ locale }).where(and(eq(users.id, userId), eq(users.accountId, accountId)));
}
