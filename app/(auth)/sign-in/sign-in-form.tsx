"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { signInFromForm } from "../form-actions";

// A form action, so it also works before (or without) scripts: the browser POSTs it, never a GET
// that would put the password in the URL. After a failed attempt the email stays, the password not.
export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string | null; initialError: string | null }) {
  const t = useTranslations("auth.signIn");
  const [state, formAction, pending] = useActionState(signInFromForm, { error: initialError ?? undefined });

  return (
    <form action={formAction} className="mt-6 space-y-4" noValidate>
      {state.error ? <Alert tone="error">{state.error}</Alert> : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? ""} />
      <TextField
        label={t("email")}
        name="email"
        type="email"
        autoComplete="email"
        inputMode="email"
        required
        defaultValue={state.email}
      />
      <TextField label={t("password")} name="password" type="password" autoComplete="current-password" required />
      <Button type="submit" className="w-full" loading={pending}>
        {t("submit")}
      </Button>
    </form>
  );
}
