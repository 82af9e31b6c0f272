"use client";

import { useTranslations } from "next-intl";
import { useFormStatus } from "react-dom";
import { Button } from "@/components/ui/button";
import { signOutAction, signOutEverywhereAction } from "./sign-out";

function SubmitButton({ className, label }: { className?: string; label: string }) {
  const { pending } = useFormStatus();
  return (
    <Button type="submit" variant="secondary" size="sm" loading={pending} className={className}>
      {label}
    </Button>
  );
}

export function SignOutButton({ className }: { className?: string }) {
  const t = useTranslations("shell");
  return (
    <form action={signOutAction}>
      <SubmitButton className={className} label={t("signOut")} />
    </form>
  );
}

/** Ends the sessions in every browser this user signed in with (e.g. a lost laptop). */
export function SignOutEverywhereButton({ className }: { className?: string }) {
  const t = useTranslations("shell");
  return (
    <form action={signOutEverywhereAction}>
      <SubmitButton className={className} label={t("signOutEverywhere")} />
    </form>
  );
}
