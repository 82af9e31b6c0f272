"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { Alert, Badge, buttonClasses, Card, EmptyState, Spinner, StatusBadge } from "@/components/ui";
import { useErrorMessage } from "@/i18n/error-messages";
import { FailingEndpointsBanner } from "./endpoint-health-banner";
import { useDisplayFormat } from "./format";
import { useWebhooks, useWebhookSummaries } from "./queries";
import type { Webhook, WebhookSummaryStats } from "./types";
import { useCauseText } from "./use-cause-text";
import { WebhookStatusBadge } from "./webhook-status-badge";

/** /dashboard/webhooks: every endpoint of the account, with how its last 24 h went. */
export function WebhookList() {
  const webhooks = useWebhooks();
  const summaries = useWebhookSummaries();
  const t = useTranslations("webhooks.list");
  const errorMessage = useErrorMessage();

  if (webhooks.isPending) {
    return (
      <Card className="flex justify-center py-12">
        <Spinner label={t("loading")} />
      </Card>
    );
  }
  if (webhooks.isError) {
    return <Alert tone="error" title={t("loadFailed")}>{errorMessage(webhooks.error)}</Alert>;
  }
  if (webhooks.data.length === 0) return <NoEndpoints />;

  const stats = new Map((summaries.data ?? []).map((s) => [s.webhookId, s]));
  return (
    <>
      <FailingEndpointsBanner webhooks={webhooks.data} />
      <Card>
        <ul aria-label={t("endpointsLabel")} className="divide-y divide-slate-200">
          {webhooks.data.map((w) => (
            <WebhookRow key={w.id} webhook={w} stats={stats.get(w.id)} statsLoading={summaries.isPending} />
          ))}
        </ul>
      </Card>
    </>
  );
}

function WebhookRow({ webhook, stats, statsLoading }: { webhook: Webhook; stats?: WebhookSummaryStats; statsLoading: boolean }) {
  const t = useTranslations("webhooks.list");
  const cause = useCauseText();
  return (
    <li className="relative px-4 py-4 hover:bg-slate-50 focus-within:bg-slate-50 sm:px-6">
      <div className="flex flex-col gap-3 md:flex-row md:items-start md:justify-between md:gap-6">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <WebhookStatusBadge webhook={webhook} />
            <Link
              href={`/dashboard/webhooks/${webhook.id}`}
              className="min-w-0 break-all font-mono text-sm font-medium text-slate-900 after:absolute after:inset-0 hover:text-brand-700 focus-visible:outline-none focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-brand-600"
            >
              {webhook.url}
            </Link>
          </div>
          {webhook.description ? <p className="mt-1 text-sm text-slate-600">{webhook.description}</p> : null}
          {!webhook.enabled && (webhook.disabledReason || webhook.disabledReasonCause) ? (
            <p className="mt-1 text-sm text-amber-800">{cause("disabled", webhook.disabledReasonCause, webhook.disabledReason)}</p>
          ) : null}
          {webhook.enabled && webhook.failingSince ? (
            <p className="mt-1 text-sm text-amber-800">
              {webhook.lastError || webhook.lastErrorCause
                ? t("failingWith", { error: cause("failure", webhook.lastErrorCause, webhook.lastError) })
                : t("failing")}
            </p>
          ) : null}
          <ul aria-label={t("eventsLabel")} className="mt-2 flex flex-wrap gap-1.5">
            {webhook.events.map((e) => (
              <li key={e}>
                <Badge tone="blue" className="font-mono">
                  {e}
                </Badge>
              </li>
            ))}
          </ul>
        </div>
        <EndpointHealth stats={stats} loading={statsLoading} />
      </div>
    </li>
  );
}

function EndpointHealth({ stats, loading }: { stats?: WebhookSummaryStats; loading: boolean }) {
  const t = useTranslations("webhooks.list.health");
  const fmt = useDisplayFormat();
  if (loading) return <p className="text-sm text-slate-400 md:w-72 md:text-right">{t("loading")}</p>;
  if (!stats || stats.total === 0) {
    return <p className="text-sm text-slate-500 md:w-72 md:text-right">{t("none")}</p>;
  }
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm md:w-72 md:text-right">
      <dt className="text-slate-500">{t("success")}</dt>
      <dd className="font-medium text-slate-900 tabular-nums">
        {fmt.percent(stats.successRate)}
        <span className="sr-only">, {t("deliveries", { count: stats.total })}</span>
      </dd>
      <dt className="text-slate-500">{t("lastDelivery")}</dt>
      <dd className="flex flex-wrap items-center gap-1.5 md:justify-end">
        {stats.lastStatus ? <StatusBadge status={stats.lastStatus} /> : null}
        <span className="whitespace-nowrap text-slate-700">{fmt.relative(stats.lastDeliveryAt)}</span>
      </dd>
      <dt className="text-slate-500">{t("deliveriesTitle")}</dt>
      <dd className="text-slate-700 tabular-nums">
        {t("counts", { succeeded: stats.succeeded, failed: stats.failed })}
        {stats.pending ? ` · ${t("pending", { count: stats.pending })}` : ""}
      </dd>
    </dl>
  );
}

function NoEndpoints() {
  const t = useTranslations("webhooks.list");
  return (
    <Card>
      <EmptyState
        icon={
          <svg viewBox="0 0 20 20" fill="currentColor" className="h-5 w-5">
            <path d="M10 2a1 1 0 0 1 1 1v5.59l2.3-2.3a1 1 0 1 1 1.4 1.42l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.42L9 8.6V3a1 1 0 0 1 1-1ZM4 14a1 1 0 0 1 1 1v1h10v-1a1 1 0 1 1 2 0v2a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-2a1 1 0 0 1 1-1Z" />
          </svg>
        }
        title={t("emptyTitle")}
        description={t("emptyBody")}
        action={
          <Link href="/dashboard/webhooks/new" className={buttonClasses("primary")}>
            {t("add")}
          </Link>
        }
      />
    </Card>
  );
}
