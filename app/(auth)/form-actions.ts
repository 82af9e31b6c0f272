"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { signUp } from "@/lib/accounts/accounts";
import { signupInput } from "@/lib/accounts/schemas";
import { assertStorableText } from "@/lib/api/body";
import { toApiError } from "@/lib/api/errors";
import { clientIp, limitSignUp } from "@/lib/api/rate-limit";
import { signInWithPassword } from "./actions";

// The actions of the sign-in and sign-up forms. React posts the form to them with scripts, and
// the browser does (a plain POST, fields in the body) when scripts did not load, so both get the
// same checks and the same messages. What comes back is shown on the form; the email and the
// other typed-in values come back to refill it, a password never does.

export type SignInFormState = { error?: string; email?: string };

// Sign in: next-auth's credentials sign-in with its rate limit (signInWithPassword); on success
// it redirects to the page asked for.
export async function signInFromForm(_previous: SignInFormState, form: FormData): Promise<SignInFormState> {
  const email = text(form, "email");
  const result = await signInWithPassword({ email, password: text(form, "password"), callbackUrl: text(form, "callbackUrl") || null });
  return result ? { error: result.error, email } : {};
}

export type SignUpField = "name" | "email" | "password" | "accountName" | "accountKind";

export type SignUpFormState = {
  values?: { name: string; email: string; accountName: string; accountKind: string };
  fieldErrors?: Partial<Record<SignUpField, string>>;
  formError?: string;
  /** The email already has an account: the form offers to sign in instead. */
  duplicate?: boolean;
};

// Sign up: what POST /api/signup does (its limit, schema and errors), then sign in.
export async function signUpFromForm(_previous: SignUpFormState, form: FormData): Promise<SignUpFormState> {
  const values = { name: text(form, "name"), email: text(form, "email"), accountName: text(form, "accountName"), accountKind: text(form, "accountKind") };
  const password = text(form, "password");
  try {
    await limitSignUp(clientIp(await headers()));
    const raw = { ...values, password, accountKind: values.accountKind || undefined };
    assertStorableText(raw);
    await signUp(signupInput.parse(raw));
  } catch (err) {
    return { values, ...signUpErrors(err) };
  }
  const result = await signInWithPassword({ email: values.email, password, callbackUrl: text(form, "callbackUrl") || null });
  return result ? { values, formError: `Your account was created, but signing in failed: ${result.error}` } : {};
}

const formErrorDetails = z.object({ fieldErrors: z.record(z.string(), z.array(z.string())), formErrors: z.array(z.string()) });

function signUpErrors(err: unknown): Omit<SignUpFormState, "values"> {
  const apiError = toApiError(err);
  if (apiError.code === "conflict") return { duplicate: true, fieldErrors: { email: apiError.message } };
  const details = formErrorDetails.safeParse(apiError.details);
  if (apiError.code !== "unprocessable" || !details.success) return { formError: apiError.message };
  const first = (field: SignUpField) => details.data.fieldErrors[field]?.[0];
  return {
    fieldErrors: { name: first("name"), email: first("email"), password: first("password"), accountName: first("accountName"), accountKind: first("accountKind") },
    formError: details.data.formErrors[0] ?? "Some details need fixing — see the highlighted fields.",
  };
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
