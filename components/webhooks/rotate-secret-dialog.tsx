"use client";

import { useId, useState } from "react";
import { Button, DateTime, Dialog, SecretReveal } from "@/components/ui";
import { errorMessage } from "@/lib/client/api";
import { DEFAULT_GRACE_PERIOD_SECONDS } from "@/lib/webhooks/schemas";
import { useRotateSecret } from "./queries";
import type { RotatedSecret } from "./types";

const GRACE_OPTIONS = [
  { seconds: 0, label: "Immediately", hint: "The current secret stops working now." },
  { seconds: 3600, label: "In 1 hour", hint: "Both secrets sign deliveries for an hour." },
  { seconds: 86_400, label: "In 24 hours", hint: "Recommended: time to deploy the new secret." },
  { seconds: 604_800, label: "In 7 days", hint: "The longest overlap allowed." },
] as const;

/** Ask how long the old secret should keep working, rotate, then show the new secret once. */
export function RotateSecretDialog({ webhookId, open, onClose }: { webhookId: string; open: boolean; onClose: () => void }) {
  const rotate = useRotateSecret(webhookId);
  const [grace, setGrace] = useState<number>(DEFAULT_GRACE_PERIOD_SECONDS);
  const [result, setResult] = useState<RotatedSecret | null>(null);
  const groupId = useId();

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
        title="New signing secret"
        description="Deliveries are now signed with this secret."
        footer={
          <Button onClick={close} data-autofocus>
            Done
          </Button>
        }
      >
        <SecretReveal value={result.secret} label="New signing secret">
          {result.previousSecretExpiresAt ? (
            <p>
              The previous secret stays valid until{" "}
              <strong>
                <DateTime value={result.previousSecretExpiresAt} />
              </strong>
              . Until then every delivery carries two signatures (one per secret), so your server can switch over
              without missing an event.
            </p>
          ) : (
            <p>The previous secret no longer works. Update your server now.</p>
          )}
          {result.endedPreviousSecrets > 0 ? (
            <p>
              At most two secrets are valid at a time: the older secret from the earlier rotation stopped working
              now.
            </p>
          ) : null}
        </SecretReveal>
      </Dialog>
    );
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      dismissible={!rotate.isPending}
      title="Rotate signing secret"
      description="A new secret is created now. Choose how long the current one keeps working, so you can update your server first."
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={rotate.isPending}>
            Cancel
          </Button>
          <Button loading={rotate.isPending} onClick={async () => setResult(await rotate.mutateAsync(grace).catch(() => null))}>
            Rotate secret
          </Button>
        </>
      }
    >
      <fieldset>
        <legend id={groupId} className="text-sm font-medium text-slate-800">
          Current secret expires
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
                <span className="block text-sm font-medium text-slate-900">{o.label}</span>
                <span className="block text-xs text-slate-500">{o.hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {rotate.isError ? (
        <p role="alert" className="mt-3 text-sm font-medium text-red-600">
          {errorMessage(rotate.error)}
        </p>
      ) : null}
    </Dialog>
  );
}
