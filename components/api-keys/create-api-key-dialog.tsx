"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { SecretReveal } from "@/components/ui/secret-reveal";
import { useErrorMessage } from "@/i18n/error-messages";
import { ApiClientError } from "@/lib/client/api";
import { useCreateApiKey, type CreatedApiKey } from "./api-keys-queries";

/**
 * Name a key → the full key is shown here once. Closing the dialog forgets it: only the
 * prefix is ever shown again.
 */
export function CreateApiKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState("");
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const create = useCreateApiKey();
  const t = useTranslations("apiKeys.create");
  const errorMessage = useErrorMessage();
  const code = (chunks: ReactNode) => <code className="font-mono text-xs">{chunks}</code>;

  // The name's only rule is 1–100 characters: any field error on it says so in the page's language.
  const fieldError = create.error instanceof ApiClientError && create.error.fieldError("name") ? t("nameError") : undefined;
  const formError = create.error && !fieldError ? errorMessage(create.error, { conflict: t("limit") }) : null;

  function close() {
    setName("");
    setCreated(null);
    create.reset();
    onClose();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate({ name }, { onSuccess: (key) => setCreated(key) });
  }

  if (created) {
    return (
      <Dialog
        key="reveal"
        open={open}
        onClose={close}
        title={t("createdTitle")}
        description={t("createdBody", { name: created.name })}
        footer={
          <Button onClick={close} data-autofocus>
            {t("done")}
          </Button>
        }
      >
        <SecretReveal value={created.key} label={t("keyLabel")}>
          {t.rich("howToUse", { code, header: "Authorization: Bearer <key>" })}
        </SecretReveal>
      </Dialog>
    );
  }

  return (
    <Dialog
      key="form"
      open={open}
      onClose={close}
      dismissible={!create.isPending}
      title={t("title")}
      description={t("body")}
    >
      <form id="create-api-key-form" onSubmit={onSubmit} noValidate className="space-y-4">
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <TextField
          label={t("name")}
          name="name"
          placeholder={t("namePlaceholder")}
          autoComplete="off"
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldError}
          hint={t("nameHint")}
          data-autofocus
        />
        <div className="-mx-5 mt-6 flex flex-col-reverse gap-2 border-t border-slate-100 bg-slate-50 px-5 py-4 sm:-mx-6 sm:flex-row sm:justify-end sm:px-6">
          <Button variant="secondary" onClick={close} disabled={create.isPending}>
            {t("cancel")}
          </Button>
          <Button type="submit" loading={create.isPending}>
            {t("submit")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
