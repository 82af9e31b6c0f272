"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, Dialog, TextField } from "@/components/ui";
import { useErrorMessage } from "@/i18n/error-messages";
import { useDeleteWebhook } from "./queries";
import type { Webhook } from "./types";


/** Type-to-confirm deletion; afterwards, back to the list. */
export function DeleteWebhookDialog({ webhook, open, onClose }: { webhook: Webhook; open: boolean; onClose: () => void }) {
  const remove = useDeleteWebhook(webhook.id);
  const router = useRouter();
  const [typed, setTyped] = useState("");
  const t = useTranslations("webhooks.delete");
  const errorMessage = useErrorMessage();
  // The word to type is in the page's language ("delete", "eliminar").
  const word = t("word");
  const confirmed = typed.trim().toLowerCase() === word;

  function close() {
    setTyped("");
    remove.reset();
    onClose();
  }

  async function confirm() {
    if (!confirmed) return;
    try {
      await remove.mutateAsync();
      router.push("/dashboard/webhooks");
    } catch {
      // shown below from remove.error
    }
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      dismissible={!remove.isPending}
      title={t("title")}
      description={t("body")}
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={remove.isPending}>
            {t("cancel")}
          </Button>
          <Button variant="danger" onClick={confirm} disabled={!confirmed} loading={remove.isPending}>
            {t("confirm")}
          </Button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void confirm();
        }}
      >
        <p className="break-all rounded-md bg-slate-50 px-3 py-2 font-mono text-sm text-slate-800">{webhook.url}</p>
        <TextField
          className="mt-4"
          label={t.rich("typeToConfirm", { word, strong: (chunks) => <strong>{chunks}</strong> })}
          value={typed}
          autoComplete="off"
          spellCheck={false}
          data-autofocus
          onChange={(e) => setTyped(e.currentTarget.value)}
        />
        {remove.isError ? (
          <p role="alert" className="mt-3 text-sm font-medium text-red-600">
            {errorMessage(remove.error)}
          </p>
        ) : null}
      </form>
    </Dialog>
  );
}
