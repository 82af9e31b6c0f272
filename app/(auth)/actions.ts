"use server";

import { headers } from "next/headers";
import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "@/auth";
import { ApiError } from "@/lib/api/errors";
import { clientIp, limitSignIn } from "@/lib/api/rate-limit";
import { safeCallbackPath } from "./callback-url";

export type SignInResult = { error: string } | undefined;

// Sign in with email and password. On success next-auth sets the session cookie and this
// redirects (the redirect is thrown, so it must not be caught); on failure it returns why.
export async function signInWithPassword(input: { email: string; password: string; callbackUrl?: string | null }): Promise<SignInResult> {
  const email = input.email.trim();
  if (!email || !input.password) return { error: "Enter your email and password." };
  // The same per-email-and-address limit as POST /api/auth/callback/credentials.
  try {
    await limitSignIn(email, clientIp(await headers()));
  } catch (err) {
    if (err instanceof ApiError && err.code === "rate_limited") return { error: err.message };
    throw err;
  }
  try {
    await signIn("credentials", {
      email,
      password: input.password,
      redirectTo: safeCallbackPath(input.callbackUrl),
    });
  } catch (err) {
    if (err instanceof CredentialsSignin) return { error: "That email and password don't match an account. Check them and try again." };
    if (err instanceof AuthError) return { error: "We couldn't sign you in right now. Please try again in a moment." };
    throw err;
  }
  return undefined;
}
