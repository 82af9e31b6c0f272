"use server";

import { headers } from "next/headers";
import { AuthError, CredentialsSignin } from "next-auth";
import { getTranslations } from "next-intl/server";
import { signIn } from "@/auth";
import { ApiError } from "@/lib/api/errors";
import { clientIp, limitSignIn } from "@/lib/api/rate-limit";
import { safeCallbackPath } from "./callback-url";

export type SignInResult = { error: string } | undefined;

// Sign in with email and password. On success next-auth sets the session cookie and this
// redirects (the redirect is thrown, so it must not be caught); on failure it returns why.
export async function signInWithPassword(input: { email: string; password: string; callbackUrl?: string | null }): Promise<SignInResult> {
  const email = input.email.trim();
  const t = await getTranslations("auth.errors");
  if (!email || !input.password) return { error: t("missingCredentials") };
  // The same per-email-and-address limit as POST /api/auth/callback/credentials.
  try {
    await limitSignIn(email, clientIp(await headers()));
  } catch (err) {
    if (err instanceof ApiError && err.code === "rate_limited") return { error: t("rateLimited") };
    throw err;
  }
  try {
    await signIn("credentials", {
      email,
      password: input.password,
      redirectTo: safeCallbackPath(input.callbackUrl),
    });
  } catch (err) {
    if (err instanceof CredentialsSignin) return { error: t("wrongCredentials") };
    if (err instanceof AuthError) return { error: t("signInUnavailable") };
    throw err;
  }
  return undefined;
}
