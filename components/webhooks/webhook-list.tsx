"use client";

import Link from "next/link";
import { Alert, Badge, buttonClasses, Card, EmptyState, Spinner, StatusBadge } from "@/components/ui";
import { errorMessage } from "@/lib/client/api";
import { FailingEndpointsBanner } from "./endpoint-health-banner";
import { formatPercent, formatRelative, pluralize } from "./format";
import { useWebhooks, useWebhookSummaries } from "./queries";
import type { Webhook, WebhookSummaryStats } from "./types";
import { WebhookStatusBadge } from "./webhook-status-badge";

/** /dashboard/webhooks: every endpoint of the account, with how its last 24 h went. */
export function WebhookList() {
  const webhooks = useWebhooks();
  const summaries = useWebhookSummaries();

  if (webhooks.isPending) {
    return (
      <Card className="flex justify-center py-12">
        <Spinner label="Loading endpoints…" />
      </Card>
    );
  }
  if (webhooks.isError) {
    return <Alert tone="error" title="Could not load your endpoints">{errorMessage(webhooks.error)}</Alert>;
  }
  if (webhooks.data.length === 0) return <NoEndpoints />;

  const stats = new Map((summaries.data ?? []).map((s) => [s.webhookId, s]));
  return (
    <>
      <FailingEndpointsBanner webhooks={webhooks.data} />
      <Card>
        <ul aria-label="Webhook endpoints" className="divide-y divide-slate-200">
          {webhooks.data.map((w) => (
            <WebhookRow key={w.id} webhook={w} stats={stats.get(w.id)} statsLoading={summaries.isPending} />
          ))}
        </ul>
      </Card>
    </>
  );
}

function WebhookRow({ webhook, stats, statsLoading }: { webhook: Webhook; stats?: WebhookSummaryStats; statsLoading: boolean }) {
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
          {!webhook.enabled && webhook.disabledReason ? (
            <p className="mt-1 text-sm text-amber-800">{webhook.disabledReason}</p>
          ) : null}
          {webhook.enabled && webhook.failingSince ? (
            <p className="mt-1 text-sm text-amber-800">
              Failing{webhook.lastError ? `: ${webhook.lastError}` : ""}
            </p>
          ) : null}
          <ul aria-label="Events" className="mt-2 flex flex-wrap gap-1.5">
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
  if (loading) return <p className="text-sm text-slate-400 md:w-72 md:text-right">Loading 24 h stats…</p>;
  if (!stats || stats.total === 0) {
    return <p className="text-sm text-slate-500 md:w-72 md:text-right">No deliveries in the past 24 h</p>;
  }
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm md:w-72 md:text-right">
      <dt className="text-slate-500">Success (24 h)</dt>
      <dd className="font-medium text-slate-900 tabular-nums">
        {formatPercent(stats.successRate)}
        <span className="sr-only">, {pluralize(stats.total, "delivery", "deliveries")}</span>
      </dd>
      <dt className="text-slate-500">Last delivery</dt>
      <dd className="flex flex-wrap items-center gap-1.5 md:justify-end">
        {stats.lastStatus ? <StatusBadge status={stats.lastStatus} /> : null}
        <span className="whitespace-nowrap text-slate-700">{formatRelative(stats.lastDeliveryAt)}</span>
      </dd>
      <dt className="text-slate-500">Deliveries</dt>
      <dd className="text-slate-700 tabular-nums">
        {stats.succeeded} ok · {stats.failed} failed{stats.pending ? ` · ${stats.pending} pending` : ""}
      </dd>
    </dl>
  );
}

function NoEndpoints() {
  return (
    <Card>
      <EmptyState
        icon={
          <svg viewBox="0 0 20 20" fill="currentColor" className="h-5 w-5">
            <path d="M10 2a1 1 0 0 1 1 1v5.59l2.3-2.3a1 1 0 1 1 1.4 1.42l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.42L9 8.6V3a1 1 0 0 1 1-1ZM4 14a1 1 0 0 1 1 1v1h10v-1a1 1 0 1 1 2 0v2a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-2a1 1 0 0 1 1-1Z" />
          </svg>
        }
        title="No webhook endpoints yet"
        description={
          <>
            Webhooks tell your server the moment something happens in your account — a conversion is registered,
            approved or rejected, or an affiliate applies to a program. Add the URL of an endpoint on your server, choose
            the events, and we&apos;ll POST a signed JSON message to it for each one, retrying if it fails.
          </>
        }
        action={
          <Link href="/dashboard/webhooks/new" className={buttonClasses("primary")}>
            Add endpoint
          </Link>
        }
      />
    </Card>
  );
}
