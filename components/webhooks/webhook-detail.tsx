"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { useState } from "react";
import { Alert, Badge, Button, buttonClasses, Card, CardBody, CardHeader, DateTime, Spinner } from "@/components/ui";
import { useErrorMessage } from "@/i18n/error-messages";
import { ApiClientError } from "@/lib/client/api";
import { DeleteWebhookDialog } from "./delete-webhook-dialog";
import { DeliveryChart } from "./delivery-chart";
import { DeliveryLog } from "./delivery-log";
import { EnableControls } from "./enable-controls";
import { FailingBanner } from "./endpoint-health-banner";
import { useSendTestEvent, useWebhook } from "./queries";
import { RotateSecretDialog } from "./rotate-secret-dialog";
import type { Webhook } from "./types";
import { useCauseText } from "./use-cause-text";
import { VerifySignatures } from "./verify-signatures";
import { WebhookStatusBadge } from "./webhook-status-badge";
import { EndpointOptionsSummary } from "./endpoint-options-summary";

/** /dashboard/webhooks/:id: settings, actions, chart, delivery log and how to verify. */
export function WebhookDetail({ id }: { id: string }) {
  const webhook = useWebhook(id);
  const t = useTranslations("webhooks.detail");
  const errorMessage = useErrorMessage();

  if (webhook.isPending) {
    return (
      <Card className="flex justify-center py-12">
        <Spinner label={t("loading")} />
      </Card>
    );
  }
  if (webhook.isError) {
    const missing = webhook.error instanceof ApiClientError && webhook.error.status === 404;
    return (
      <Alert tone="error" title={missing ? t("notFound") : t("loadFailed")}>
        {missing ? (
          <>
            {t("maybeDeleted")}{" "}
            <Link className="font-medium underline" href="/dashboard/webhooks">
              {t("backToList")}
            </Link>
          </>
        ) : (
          errorMessage(webhook.error)
        )}
      </Alert>
    );
  }
  return <Endpoint webhook={webhook.data} />;
}

function Endpoint({ webhook }: { webhook: Webhook }) {
  const [dialog, setDialog] = useState<"rotate" | "delete" | null>(null);
  const sendTest = useSendTestEvent(webhook.id);
  const held = webhook.heldDeliveries ?? 0;
  const t = useTranslations("webhooks.detail");
  const errorMessage = useErrorMessage();
  const cause = useCauseText();

  return (
    <div className="space-y-6">
      <header className="flex flex-col gap-4 lg:flex-row lg:items-start lg:justify-between">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <WebhookStatusBadge webhook={webhook} />
            <span className="text-xs text-slate-500">{t("kind")}</span>
          </div>
          <h1 className="mt-1 font-mono text-lg font-semibold break-all text-slate-900 sm:text-xl">{webhook.url}</h1>
          {webhook.description ? <p className="mt-1 text-sm text-slate-600">{webhook.description}</p> : null}
        </div>
        <div className="flex shrink-0 flex-wrap gap-2">
          <Button onClick={() => sendTest.mutate()} loading={sendTest.isPending} disabled={!webhook.enabled} title={webhook.enabled ? undefined : t("testNeedsEnabled")}>
            {t("sendTest")}
          </Button>
          <EnableControls webhook={webhook} />
          <Link href={`/dashboard/webhooks/${webhook.id}/edit`} className={buttonClasses("secondary")}>
            {t("edit")}
          </Link>
          <Button variant="secondary" onClick={() => setDialog("rotate")}>
            {t("rotate")}
          </Button>
          <Button variant="ghost" className="text-red-700 hover:bg-red-50 hover:text-red-800" onClick={() => setDialog("delete")}>
            {t("delete")}
          </Button>
        </div>
      </header>

      {sendTest.isSuccess ? (
        <Alert tone="success">
          {t.rich("testSent", { code: (chunks) => <code className="font-mono">{chunks}</code> })}
        </Alert>
      ) : null}
      {sendTest.isError ? (
        <Alert tone="error">
          {errorMessage(sendTest.error, { rate_limited: t("testRateLimited"), conflict: t("testNeedsEnabled") })}
        </Alert>
      ) : null}

      <FailingBanner webhook={webhook} />
      {!webhook.enabled ? (
        <Alert tone="warning" title={t("disabledTitle")}>
          {webhook.disabledReason || webhook.disabledReasonCause
            ? cause("disabled", webhook.disabledReasonCause, webhook.disabledReason)
            : t("disabledNothingSent")}{" "}
          {held > 0 ? t("disabledHeld", { count: held }) : t("disabledKept")}
        </Alert>
      ) : null}

      <Settings webhook={webhook} />
      <EndpointOptionsSummary webhook={webhook} />
      <DeliveryChart webhookId={webhook.id} />
      <DeliveryLog webhookId={webhook.id} />
      <VerifySignatures />

      <RotateSecretDialog webhookId={webhook.id} open={dialog === "rotate"} onClose={() => setDialog(null)} />
      <DeleteWebhookDialog webhook={webhook} open={dialog === "delete"} onClose={() => setDialog(null)} />
    </div>
  );
}

function Settings({ webhook }: { webhook: Webhook }) {
  const t = useTranslations("webhooks.detail.settings");
  const describe = useTranslations("eventTypes");
  const rotatedAt = webhook.secretRotatedAt;
  return (
    <Card>
      <CardHeader title={t("title")} />
      <CardBody>
        <dl className="grid grid-cols-1 gap-x-8 gap-y-4 text-sm sm:grid-cols-2">
          <div className="sm:col-span-2">
            <dt className="text-slate-500">{t("events")}</dt>
            <dd className="mt-1">
              <ul className="space-y-1.5">
                {webhook.events.map((e) => (
                  <li key={e} className="flex flex-col gap-0.5 sm:flex-row sm:items-center sm:gap-2">
                    <Badge tone="blue" className="w-fit font-mono">
                      {e}
                    </Badge>
                    <span className="text-slate-600">{describe(e)}</span>
                  </li>
                ))}
              </ul>
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("secret")}</dt>
            <dd className="mt-1 text-slate-800">
              <span className="font-mono">whsec_••••••••</span>{" "}
              <span className="text-slate-500">
                {rotatedAt ? t.rich("rotated", { date: () => <DateTime value={rotatedAt} /> }) : t("shownOnce")}
              </span>
              {webhook.previousSecretExpiresAt ? (
                <p className="mt-1 text-amber-800">
                  {t.rich("previousValidUntil", { date: () => <DateTime value={webhook.previousSecretExpiresAt} /> })}
                </p>
              ) : null}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("created")}</dt>
            <dd className="mt-1 text-slate-800">
              <DateTime value={webhook.createdAt} />
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("id")}</dt>
            <dd className="mt-1 font-mono break-all text-slate-800">{webhook.id}</dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("retries")}</dt>
            <dd className="mt-1 text-slate-800">{t("retriesValue")}</dd>
          </div>
        </dl>
      </CardBody>
    </Card>
  );
}
