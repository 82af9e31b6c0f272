"use client";

import Link from "next/link";
import { useEffect, useRef, useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { ApiClientError, apiFetch, errorMessage } from "@/lib/client/api";
import { signInWithPassword } from "../actions";
import { AccountKindPicker, type AccountKind } from "./account-kind-picker";

type Field = "name" | "email" | "password" | "accountName" | "accountKind";
type Errors = Partial<Record<Field, string>>;

export function SignUpForm({ callbackUrl }: { callbackUrl: string | null }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [accountName, setAccountName] = useState("");
  const [accountKind, setAccountKind] = useState<AccountKind | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [duplicate, setDuplicate] = useState(false);
  const [pending, startTransition] = useTransition();
  const form = useRef<HTMLFormElement>(null);

  // After a failed attempt, put the cursor in the first field that needs fixing.
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"], fieldset[aria-describedby] input')?.focus();
  }, [errors]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setErrors({});
    setFormError(null);
    setDuplicate(false);
    startTransition(async () => {
      try {
        await apiFetch("/api/signup", { method: "POST", body: { name, email, password, accountName, accountKind } });
      } catch (err) {
        showError(err);
        return;
      }
      // The account exists: sign in (the action redirects to the dashboard on success).
      const result = await signInWithPassword({ email, password, callbackUrl: callbackUrl ?? "/dashboard" });
      if (result?.error) setFormError(`Your account was created, but signing in failed: ${result.error}`);
    });
  }

  function showError(err: unknown) {
    if (err instanceof ApiClientError && err.status === 409) {
      setDuplicate(true);
      setErrors({ email: err.message });
      return;
    }
    if (err instanceof ApiClientError && err.status === 422) {
      setErrors({
        name: err.fieldError("name"),
        email: err.fieldError("email"),
        password: err.fieldError("password"),
        accountName: err.fieldError("accountName"),
        accountKind: err.fieldError("accountKind"),
      });
      setFormError(err.formErrors[0] ?? "Some details need fixing — see the highlighted fields.");
      return;
    }
    setFormError(errorMessage(err));
  }

  return (
    <form ref={form} onSubmit={onSubmit} className="mt-6 space-y-4" noValidate>
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      {duplicate ? (
        <Alert tone="info">
          Is this you?{" "}
          <Link href="/sign-in" className="font-medium underline">
            Sign in instead
          </Link>
          .
        </Alert>
      ) : null}
      <TextField
        label="Your name"
        name="name"
        autoComplete="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
      />
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        inputMode="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.email}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password}
        hint="At least 10 characters. A short phrase is easier to remember than a jumble."
      />
      <TextField
        label="Company or brand name"
        name="accountName"
        autoComplete="organization"
        value={accountName}
        onChange={(e) => setAccountName(e.target.value)}
        error={errors.accountName}
        hint="Shown in your dashboard and to the partners you work with."
      />
      <AccountKindPicker value={accountKind} onChange={setAccountKind} error={errors.accountKind} />
      <Button type="submit" className="w-full" loading={pending}>
        Create account
      </Button>
    </form>
  );
}
