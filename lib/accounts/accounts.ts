import "server-only";
import { eq } from "drizzle-orm";
import { ApiError } from "@/lib/api/errors";
import { burnPasswordCheck, hashPassword, verifyPassword } from "@/lib/auth/passwords";
import { getDb } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/errors";
import { accounts, users, type Account, type User } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import type { z } from "zod";
import type { SignupInput, accountResponse, userResponse } from "./schemas";

export function serializeUser(user: User): z.input<typeof userResponse> {
  return { id: user.id, email: user.email, name: user.name, accountId: user.accountId, createdAt: user.createdAt };
}

export function serializeAccount(account: Account): z.input<typeof accountResponse> {
  return { id: account.id, kind: account.kind, name: account.name, createdAt: account.createdAt };
}

/** A person signs up into a new account of the kind they chose. */
export async function signUp(input: SignupInput): Promise<{ user: User; account: Account }> {
  const db = await getDb();
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      const [account] = await tx
        .insert(accounts)
        .values({ id: newId("account"), kind: input.accountKind, name: input.accountName })
        .returning();
      const [user] = await tx
        .insert(users)
        .values({ id: newId("user"), accountId: account!.id, email: input.email, name: input.name, passwordHash })
        .returning();
      return { user: user!, account: account! };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ApiError("conflict", "An account with this email already exists.");
    throw err;
  }
}

/** The user and account for an email and password, or null; constant-ish time either way. */
export async function verifyCredentials(email: string, password: string) {
  const db = await getDb();
  const [row] = await db
    .select({ user: users, account: accounts })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(eq(users.email, email.toLowerCase()))
    .limit(1);
  if (!row) {
    await burnPasswordCheck(password);
    return null;
  }
  return (await verifyPassword(row.user.passwordHash, password)) ? row : null;
}

export async function getAccount(accountId: string): Promise<Account | null> {
  const db = await getDb();
  const [account] = await db.select().from(accounts).where(eq(accounts.id, accountId)).limit(1);
  return account ?? null;
}
