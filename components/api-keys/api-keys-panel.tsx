"use client";

import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Spinner } from "@/components/ui/spinner";
import { useErrorMessage } from "@/i18n/error-messages";
import { ApiKeyTable } from "./api-key-table";
import { useApiKeys, type ApiKeySummary } from "./api-keys-queries";
import { CreateApiKeyDialog } from "./create-api-key-dialog";
import { RevokeApiKeyDialog } from "./revoke-api-key-dialog";

// The API keys page: list, create (full key shown once), revoke.
export function ApiKeysPanel() {
  const keys = useApiKeys();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKeySummary | null>(null);
  const t = useTranslations("apiKeys");
  const errorMessage = useErrorMessage();
  const code = (chunks: ReactNode) => <code className="font-mono text-xs">{chunks}</code>;

  const createButton = <Button onClick={() => setCreating(true)}>{t("createButton")}</Button>;

  return (
    <>
      <PageHeader
        title={t("title")}
        description={t.rich("description", { code, header: "Authorization: Bearer <key>" })}
        actions={createButton}
      />

      <Card>
        {keys.isPending ? (
          <div className="flex justify-center px-6 py-12">
            <Spinner label={t("loading")} />
          </div>
        ) : keys.isError ? (
          <div className="p-4 sm:p-6">
            <Alert tone="error" title={t("loadFailed")}>
              <p>{errorMessage(keys.error)}</p>
              <Button variant="secondary" size="sm" className="mt-3" onClick={() => keys.refetch()}>
                {t("retry")}
              </Button>
            </Alert>
          </div>
        ) : keys.data.length === 0 ? (
          <EmptyState
            icon={
              <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" className="h-5 w-5">
                <circle cx="8" cy="15" r="4" />
                <path d="m10.8 12.2 8.2-8.2M16 7l3 3M14 9l2 2" />
              </svg>
            }
            title={t("emptyTitle")}
            description={t("emptyBody")}
            action={createButton}
          />
        ) : (
          <ApiKeyTable keys={keys.data} onRevoke={setRevoking} />
        )}
      </Card>

      <CreateApiKeyDialog open={creating} onClose={() => setCreating(false)} />
      <RevokeApiKeyDialog apiKey={revoking} onClose={() => setRevoking(null)} />
    </>
  );
}
