"use client";

import { useTranslations } from "next-intl";
import { ConfirmDialog } from "@/components/ui/dialog";
import { useErrorMessage } from "@/i18n/error-messages";
import { useRevokeApiKey, type ApiKeySummary } from "./api-keys-queries";

/** "Revoke this key?" — it stops working at once, and that cannot be undone. */
export function RevokeApiKeyDialog({ apiKey, onClose }: { apiKey: ApiKeySummary | null; onClose: () => void }) {
  const revoke = useRevokeApiKey();
  const t = useTranslations("apiKeys.revoke");
  const errorMessage = useErrorMessage();

  function close() {
    revoke.reset();
    onClose();
  }

  return (
    <ConfirmDialog
      open={apiKey !== null}
      onClose={close}
      onConfirm={() => apiKey && revoke.mutate(apiKey.id, { onSuccess: close })}
      title={t("title")}
      description={apiKey ? t("body", { name: apiKey.name, prefix: apiKey.prefix }) : undefined}
      confirmLabel={t("confirm")}
      pending={revoke.isPending}
      error={revoke.error ? errorMessage(revoke.error) : null}
    />
  );
}
