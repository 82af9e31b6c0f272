"use server";

import { headers } from "next/headers";
import { getLocale, getTranslations } from "next-intl/server";
import { setUserLocale } from "@/i18n/user-locale";
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
    const { user, account } = await signUp(signupInput.parse(raw));
    // The language the form was filled in is theirs until they switch: notice mails use it.
    await setUserLocale(account.id, user.id, await getLocale());
  } catch (err) {
    return { values, ...(await signUpErrors(err)) };
  }
  const result = await signInWithPassword({ email: values.email, password, callbackUrl: text(form, "callbackUrl") || null });
  if (!result) return {};
  const t = await getTranslations("auth.signUp.errors");
  return { values, formError: t("createdButSignInFailed", { error: result.error }) };
}

const formErrorDetails = z.object({ fieldErrors: z.record(z.string(), z.array(z.string())), formErrors: z.array(z.string()) });
const SIGN_UP_FIELDS: SignUpField[] = ["name", "email", "password", "accountName", "accountKind"];

// The messages come from the code of each problem, in the page's language; the API's English
// `message`s are for POST /api/signup's clients.
async function signUpErrors(err: unknown): Promise<Omit<SignUpFormState, "values">> {
  const t = await getTranslations("auth.signUp.errors");
  if (err instanceof z.ZodError) {
    const fieldErrors: SignUpFormState["fieldErrors"] = {};
    for (const issue of err.issues) {
      const field = SIGN_UP_FIELDS.find((f) => f === issue.path[0]);
      if (!field || fieldErrors[field]) continue;
      fieldErrors[field] =
        field === "password" ? (issue.code === "too_big" ? t("passwordLong") : t("passwordShort"))
        : issue.code === "too_big" ? t("tooLong")
        : t(field);
    }
    return { fieldErrors, formError: t("fix") };
  }
  const apiError = toApiError(err);
  if (apiError.code === "conflict") return { duplicate: true, fieldErrors: { email: t("duplicate") } };
  if (apiError.code === "rate_limited") return { formError: t("rateLimited") };
  const details = formErrorDetails.safeParse(apiError.details);
  if (apiError.code !== "unprocessable" || !details.success) return { formError: t("failed") };
  // Text no database can store (NUL, lone surrogates): the only non-schema check.
  const fieldErrors = Object.fromEntries(
    SIGN_UP_FIELDS.filter((f) => details.data.fieldErrors[f]).map((f) => [f, t("unstorable")]),
  );
  return { fieldErrors, formError: t("fix") };
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
