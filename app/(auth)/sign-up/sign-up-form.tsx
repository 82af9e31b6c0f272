"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useActionState, useEffect, useRef } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { signUpFromForm } from "../form-actions";
import { AccountKindPicker, isAccountKind } from "./account-kind-picker";

// A form action, so it also works before (or without) scripts: the browser POSTs it, never a GET
// that would put the password in the URL. After a failed attempt the fields keep what was typed,
// except the password.
export function SignUpForm({ callbackUrl }: { callbackUrl: string | null }) {
  const [state, formAction, pending] = useActionState(signUpFromForm, {});
  const t = useTranslations("auth.signUp");
  const form = useRef<HTMLFormElement>(null);
  const errors = state.fieldErrors ?? {};
  const values = state.values;

  // After a failed attempt, put the cursor in the first field that needs fixing.
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"], fieldset[aria-describedby] input')?.focus();
  }, [state]);

  return (
    <form ref={form} action={formAction} className="mt-6 space-y-4" noValidate>
      {state.formError ? <Alert tone="error">{state.formError}</Alert> : null}
      {state.duplicate ? (
        <Alert tone="info">
          {t("isThisYou")}{" "}
          <Link href="/sign-in" className="font-medium underline">
            {t("signInInstead")}
          </Link>
          .
        </Alert>
      ) : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? "/dashboard"} />
      <TextField label={t("name")} name="name" autoComplete="name" defaultValue={values?.name} error={errors.name} />
      <TextField
        label={t("email")}
        name="email"
        type="email"
        autoComplete="email"
        inputMode="email"
        defaultValue={values?.email}
        error={errors.email}
      />
      <TextField
        label={t("password")}
        name="password"
        type="password"
        autoComplete="new-password"
        error={errors.password}
        hint={t("passwordHint")}
      />
      <TextField
        label={t("accountName")}
        name="accountName"
        autoComplete="organization"
        defaultValue={values?.accountName}
        error={errors.accountName}
        hint={t("accountNameHint")}
      />
      <AccountKindPicker
        defaultValue={values && isAccountKind(values.accountKind) ? values.accountKind : undefined}
        error={errors.accountKind}
      />
      <Button type="submit" className="w-full" loading={pending}>
        {t("submit")}
      </Button>
    </form>
  );
}
