"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";
import { Alert, Badge, Button, Card, CardHeader, EmptyState, Spinner, StatusBadge } from "@/components/ui";
import { useErrorMessage } from "@/i18n/error-messages";
import { EVENT_TYPES } from "@/lib/webhooks/events";
import { DELIVERY_STATUSES } from "@/lib/webhooks/schemas";
import { DeliveryDetails } from "./delivery-details";
import { useDisplayFormat } from "./format";
import { useDeliveries, useReplayDelivery, useRetryFailed, webhookKeys, type DeliveryFilters } from "./queries";
import type { Delivery } from "./types";
import { DeliveryWaitReason } from "./delivery-wait-reason";

const SELECT =
  "h-9 w-full rounded-md border border-slate-300 bg-white px-2 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100 sm:w-auto";

/** The endpoint's delivery log: filters, cursor pagination, live while anything is pending. */
export function DeliveryLog({ webhookId }: { webhookId: string }) {
  const [filters, setFilters] = useState<DeliveryFilters>({});
  const log = useDeliveries(webhookId, filters);
  const retryFailed = useRetryFailed(webhookId);
  const statusId = useId();
  const eventId = useId();
  const t = useTranslations("webhooks.log");
  const statusLabel = useTranslations("ui.status");
  const errorMessage = useErrorMessage();

  const deliveries = log.data?.pages.flatMap((p) => p.data) ?? [];
  const live = deliveries.some((d) => d.status === "pending");
  const filtered = Boolean(filters.status || filters.event);
  useRefreshWhenSettled(webhookId, live);

  return (
    <Card>
      <CardHeader
        title={t("title")}
        description={
          <span className="inline-flex items-center gap-2">
            {t("description")}
            {live ? (
              <span className="inline-flex items-center gap-1 text-amber-700" role="status">
                <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-amber-500" aria-hidden="true" /> {t("live")}
              </span>
            ) : null}
          </span>
        }
        actions={
          <Button variant="secondary" size="sm" loading={retryFailed.isPending} onClick={() => retryFailed.mutate()}>
            {t("retryFailed")}
          </Button>
        }
      />
      <div className="space-y-3 border-b border-slate-200 px-4 py-3 sm:px-6">
        {retryFailed.isSuccess ? (
          <Alert tone={retryFailed.data.count > 0 ? "success" : "info"}>
            {retryFailed.data.count > 0 ? t("retryQueued", { count: retryFailed.data.count }) : t("retryNone")}
          </Alert>
        ) : null}
        {retryFailed.isError ? <Alert tone="error">{errorMessage(retryFailed.error)}</Alert> : null}
        <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
          <div>
            <label htmlFor={statusId} className="block text-xs font-medium text-slate-600">
              {t("status")}
            </label>
            <select
              id={statusId}
              className={`${SELECT} mt-1`}
              value={filters.status ?? ""}
              onChange={(e) => {
                const status = DELIVERY_STATUSES.find((s) => s === e.currentTarget.value);
                setFilters((f) => ({ ...f, status }));
              }}
            >
              <option value="">{t("allStatuses")}</option>
              {DELIVERY_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {statusLabel(s)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={eventId} className="block text-xs font-medium text-slate-600">
              {t("event")}
            </label>
            <select
              id={eventId}
              className={`${SELECT} mt-1`}
              value={filters.event ?? ""}
              onChange={(e) => {
                const event = EVENT_TYPES.find((t) => t === e.currentTarget.value);
                setFilters((f) => ({ ...f, event }));
              }}
            >
              <option value="">{t("allEvents")}</option>
              {EVENT_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </div>
          {filtered ? (
            <Button variant="ghost" size="sm" onClick={() => setFilters({})} className="self-start sm:self-end">
              {t("clearFilters")}
            </Button>
          ) : null}
        </div>
      </div>

      {log.isPending ? (
        <div className="flex justify-center py-10">
          <Spinner label={t("loading")} />
        </div>
      ) : log.isError ? (
        <div className="p-4 sm:p-6">
          <Alert tone="error" title={t("loadFailed")}>
            {errorMessage(log.error)}
          </Alert>
        </div>
      ) : deliveries.length === 0 ? (
        <EmptyState
          title={filtered ? t("noMatchTitle") : t("emptyTitle")}
          description={filtered ? t("noMatchBody") : t("emptyBody")}
        />
      ) : (
        <>
          <ul aria-label={t("listLabel")} className="divide-y divide-slate-200">
            {deliveries.map((d) => (
              <DeliveryRow key={d.id} delivery={d} />
            ))}
          </ul>
          {log.hasNextPage ? (
            <div className="flex justify-center border-t border-slate-200 px-4 py-3">
              <Button variant="secondary" size="sm" loading={log.isFetchingNextPage} onClick={() => log.fetchNextPage()}>
                {t("loadMore")}
              </Button>
            </div>
          ) : null}
        </>
      )}
    </Card>
  );
}

/** When the last pending delivery settles, the chart and the endpoint's summary are stale. */
function useRefreshWhenSettled(webhookId: string, live: boolean) {
  const qc = useQueryClient();
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) {
      void qc.invalidateQueries({ queryKey: [...webhookKeys.all, "stats", webhookId] });
      void qc.invalidateQueries({ queryKey: webhookKeys.detail(webhookId) });
      void qc.invalidateQueries({ queryKey: webhookKeys.summary() });
    }
    wasLive.current = live;
  }, [qc, webhookId, live]);
}

function DeliveryRow({ delivery }: { delivery: Delivery }) {
  const [open, setOpen] = useState(false);
  const replay = useReplayDelivery();
  const panelId = useId();
  const lastAttempt = delivery.attempts[delivery.attempts.length - 1];
  const code = delivery.lastStatusCode ?? lastAttempt?.statusCode ?? null;
  const t = useTranslations("webhooks.log");
  const locale = useLocale();
  const fmt = useDisplayFormat();
  const errorMessage = useErrorMessage();

  return (
    <li data-testid="delivery" data-delivery-id={delivery.id} data-status={delivery.status}>
      <div className="flex items-stretch gap-2 pr-3 hover:bg-slate-50 sm:pr-6">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((o) => !o)}
          className="flex min-w-0 flex-1 items-start gap-3 py-3 pl-4 text-left focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-600 sm:items-center sm:pl-6"
        >
          <svg
            aria-hidden="true"
            viewBox="0 0 20 20"
            fill="currentColor"
            className={`mt-0.5 h-4 w-4 shrink-0 text-slate-400 transition-transform sm:mt-0 ${open ? "rotate-90" : ""}`}
          >
            <path fillRule="evenodd" d="M7.2 14.8a.75.75 0 0 1 0-1.06L10.94 10 7.2 6.26a.75.75 0 1 1 1.06-1.06l4.27 4.27a.75.75 0 0 1 0 1.06L8.26 14.8a.75.75 0 0 1-1.06 0Z" clipRule="evenodd" />
          </svg>
          <span className="flex min-w-0 flex-1 flex-col gap-1 sm:flex-row sm:items-center sm:gap-4">
            <span className="flex flex-wrap items-center gap-2">
              <StatusBadge status={delivery.status} />
              <span className="font-mono text-sm font-medium text-slate-900">{delivery.event}</span>
              {delivery.test ? <Badge tone="blue">{t("test")}</Badge> : null}
              <DeliveryWaitReason delivery={delivery} />
            </span>
            <span className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600 sm:ml-auto sm:text-sm">
              <span className="tabular-nums" data-testid="attempt-count">
                {t("attempts", { count: delivery.attemptCount })}
              </span>
              <span className="tabular-nums">{code !== null ? `HTTP ${code}` : "—"}</span>
              <span title={delivery.createdAt} className="whitespace-nowrap">
                {fmt.relative(delivery.createdAt)}
              </span>
            </span>
          </span>
        </button>
        {delivery.status === "failed" ? (
          <div className="flex items-center">
            <Button
              variant="secondary"
              size="sm"
              loading={replay.isPending}
              onClick={() => replay.mutate(delivery.id)}
              aria-label={t("replayLabel", { event: delivery.event, date: new Date(delivery.createdAt).toLocaleString(locale) })}
            >
              {t("replay")}
            </Button>
          </div>
        ) : null}
      </div>
      {replay.isError ? (
        <p role="alert" className="px-4 pb-2 text-sm text-red-600 sm:px-6">
          {errorMessage(replay.error, { conflict: t("replayPending") })}
        </p>
      ) : null}
      <div id={panelId} hidden={!open} className="border-t border-slate-100 bg-slate-50/60 px-4 py-4 sm:px-6">
        {open ? <DeliveryDetails delivery={delivery} /> : null}
      </div>
    </li>
  );
}

