"use client";

import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Button, DateTime, Dialog, SecretReveal } from "@/components/ui";
import { useErrorMessage } from "@/i18n/error-messages";
import { DEFAULT_GRACE_PERIOD_SECONDS } from "@/lib/webhooks/schemas";
import { useRotateSecret } from "./queries";
import type { RotatedSecret } from "./types";

const GRACE_OPTIONS = [
  { seconds: 0, key: "now" },
  { seconds: 3600, key: "hour" },
  { seconds: 86_400, key: "day" },
  { seconds: 604_800, key: "week" },
] as const;

/** Ask how long the old secret should keep working, rotate, then show the new secret once. */
export function RotateSecretDialog({ webhookId, open, onClose }: { webhookId: string; open: boolean; onClose: () => void }) {
  const rotate = useRotateSecret(webhookId);
  const [grace, setGrace] = useState<number>(DEFAULT_GRACE_PERIOD_SECONDS);
  const [result, setResult] = useState<RotatedSecret | null>(null);
  const groupId = useId();
  const t = useTranslations("webhooks.rotate");
  const errorMessage = useErrorMessage();

  function close() {
    // Forget the secret as soon as the dialog closes: it is never shown again.
    setResult(null);
    setGrace(DEFAULT_GRACE_PERIOD_SECONDS);
    rotate.reset();
    onClose();
  }

  if (result) {
    return (
      <Dialog
        open={open}
        onClose={close}
        title={t("newTitle")}
        description={t("newBody")}
        footer={
          <Button onClick={close} data-autofocus>
            {t("done")}
          </Button>
        }
      >
        <SecretReveal value={result.secret} label={t("newTitle")}>
          {result.previousSecretExpiresAt ? (
            <p>
              {t.rich("previousValidUntil", {
                date: () => (
                  <strong>
                    <DateTime value={result.previousSecretExpiresAt} />
                  </strong>
                ),
              })}
            </p>
          ) : (
            <p>{t("previousEnded")}</p>
          )}
          {result.endedPreviousSecrets > 0 ? <p>{t("olderEnded")}</p> : null}
        </SecretReveal>
      </Dialog>
    );
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      dismissible={!rotate.isPending}
      title={t("title")}
      description={t("body")}
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={rotate.isPending}>
            {t("cancel")}
          </Button>
          <Button loading={rotate.isPending} onClick={async () => setResult(await rotate.mutateAsync(grace).catch(() => null))}>
            {t("submit")}
          </Button>
        </>
      }
    >
      <fieldset>
        <legend id={groupId} className="text-sm font-medium text-slate-800">
          {t("expires")}
        </legend>
        <div className="mt-2 space-y-2">
          {GRACE_OPTIONS.map((o) => (
            <label
              key={o.seconds}
              className="flex cursor-pointer items-start gap-3 rounded-md border border-slate-200 px-3 py-2.5 has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50"
            >
              <input
                type="radio"
                name="grace-period"
                value={o.seconds}
                checked={grace === o.seconds}
                onChange={() => setGrace(o.seconds)}
                data-autofocus={grace === o.seconds ? true : undefined}
                className="mt-0.5 h-4 w-4 accent-brand-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
              />
              <span>
                <span className="block text-sm font-medium text-slate-900">{t(`grace.${o.key}.label`)}</span>
                <span className="block text-xs text-slate-500">{t(`grace.${o.key}.hint`)}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {rotate.isError ? (
        <p role="alert" className="mt-3 text-sm font-medium text-red-600">
          {errorMessage(rotate.error, { rate_limited: t("rateLimited") })}
        </p>
      ) : null}
    </Dialog>
  );
}
