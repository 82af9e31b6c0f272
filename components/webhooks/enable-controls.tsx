"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button, ConfirmDialog, Dialog } from "@/components/ui";
import { useErrorMessage } from "@/i18n/error-messages";
import { useUpdateWebhook } from "./queries";
import type { Webhook } from "./types";

/**
 * Disable (after a confirmation) or enable the endpoint. Events that arrived while it was
 * disabled are held: re-enabling asks whether to send them or discard them.
 */
export function EnableControls({ webhook }: { webhook: Webhook }) {
  const update = useUpdateWebhook(webhook.id);
  const [dialog, setDialog] = useState<"disable" | "enable" | null>(null);
  const held = webhook.heldDeliveries ?? 0;
  const t = useTranslations("webhooks.enable");
  const errorMessage = useErrorMessage();

  function close() {
    update.reset();
    setDialog(null);
  }

  async function apply(patch: { enabled: boolean; discardHeld?: boolean }) {
    try {
      await update.mutateAsync(patch);
      setDialog(null);
    } catch {
      // shown in the dialog
    }
  }

  if (webhook.enabled) {
    return (
      <>
        <Button variant="secondary" onClick={() => setDialog("disable")}>
          {t("disable")}
        </Button>
        <ConfirmDialog
          open={dialog === "disable"}
          onClose={close}
          onConfirm={() => apply({ enabled: false })}
          title={t("disableTitle")}
          description={t("disableBody")}
          confirmLabel={t("disableConfirm")}
          cancelLabel={t("cancel")}
          pending={update.isPending}
          error={update.isError ? errorMessage(update.error) : null}
        />
      </>
    );
  }

  return (
    <>
      <Button onClick={() => (held > 0 ? setDialog("enable") : apply({ enabled: true }))} loading={update.isPending && dialog === null}>
        {t("enable")}
      </Button>
      {update.isError && dialog === null ? (
        <p role="alert" className="text-sm text-red-600">
          {errorMessage(update.error)}
        </p>
      ) : null}
      <Dialog
        open={dialog === "enable"}
        onClose={close}
        dismissible={!update.isPending}
        title={t("enableTitle")}
        description={t("enableBody", { count: held })}
        footer={
          <>
            <Button variant="secondary" onClick={close} disabled={update.isPending}>
              {t("cancel")}
            </Button>
            <Button variant="secondary" onClick={() => apply({ enabled: true, discardHeld: true })} disabled={update.isPending}>
              {t("discard")}
            </Button>
            <Button onClick={() => apply({ enabled: true })} disabled={update.isPending} data-autofocus>
              {t("sendHeld", { count: held })}
            </Button>
          </>
        }
      >
        {update.isError ? (
          <p role="alert" className="text-sm font-medium text-red-600">
            {errorMessage(update.error)}
          </p>
        ) : null}
      </Dialog>
    </>
  );
}
