"use client";

import { ConfirmDialog } from "@/components/ui/dialog";
import { errorMessage } from "@/lib/client/api";
import { useRevokeApiKey, type ApiKeySummary } from "./api-keys-queries";

/** "Revoke this key?" — it stops working at once, and that cannot be undone. */
export function RevokeApiKeyDialog({ apiKey, onClose }: { apiKey: ApiKeySummary | null; onClose: () => void }) {
  const revoke = useRevokeApiKey();

  function close() {
    revoke.reset();
    onClose();
  }

  return (
    <ConfirmDialog
      open={apiKey !== null}
      onClose={close}
      onConfirm={() => apiKey && revoke.mutate(apiKey.id, { onSuccess: close })}
      title="Revoke API key?"
      description={
        apiKey
          ? `“${apiKey.name}” (${apiKey.prefix}…) stops working immediately. Any server still using it will get 401 errors. This cannot be undone.`
          : undefined
      }
      confirmLabel="Revoke key"
      pending={revoke.isPending}
      error={revoke.error ? errorMessage(revoke.error) : null}
    />
  );
}
