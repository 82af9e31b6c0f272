"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Alert, Badge, Button, Card, DateTime, EmptyState, Spinner, StatusBadge } from "@/components/ui";
import type { DeliveryStatus } from "@/components/webhooks/types";
import { EVENT_TYPES, isEventType } from "@/lib/webhooks/events";
import { DELIVERY_STATUSES } from "@/lib/webhooks/schemas";
import { errorCodeOf, useEvents, type EventFilters, type EventSummary } from "./queries";

// The Events page: the account's events (30 days), searched by any id a person has at hand and
// filtered by type, an endpoint's delivery status and time; each links to its own page.

const inputClasses =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600";

/** A datetime-local value (the reader's zone) as an ISO instant; empty stays unset. */
function toInstant(local: FormDataEntryValue | null): string | undefined {
  if (typeof local !== "string" || !local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function filtersOf(form: FormData): EventFilters {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" && v.trim() ? v.trim() : undefined;
  };
  const type = text("type");
  const status = text("deliveryStatus");
  return {
    q: text("q"),
    type: type && isEventType(type) ? type : undefined,
    deliveryStatus: (DELIVERY_STATUSES as readonly string[]).includes(status ?? "") ? (status as DeliveryStatus) : undefined,
    after: toInstant(form.get("after")),
    before: toInstant(form.get("before")),
  };
}

export function EventsBrowser() {
  const t = useTranslations("events");
  const [filters, setFilters] = useState<EventFilters>({});
  const events = useEvents(filters);
  const rows = events.data?.pages.flatMap((p) => p.data) ?? [];

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setFilters(filtersOf(new FormData(e.currentTarget)));
  }

  return (
    <div className="space-y-6">
      <form role="search" aria-label={t("search.label")} onSubmit={onSubmit} onReset={() => setFilters({})} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6">
        <label className="text-sm font-medium text-slate-700 lg:col-span-2">
          {t("search.label")}
          <input name="q" type="search" maxLength={200} placeholder={t("search.placeholder")} className={`${inputClasses} mt-1 font-mono`} />
        </label>
        <label className="text-sm font-medium text-slate-700">
          {t("filters.type")}
          <select name="type" defaultValue="" className={`${inputClasses} mt-1`}>
            <option value="">{t("filters.allTypes")}</option>
            {EVENT_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium text-slate-700">
          {t("filters.status")}
          <select name="deliveryStatus" defaultValue="" className={`${inputClasses} mt-1`}>
            <option value="">{t("filters.anyStatus")}</option>
            {DELIVERY_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`status.${status}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium text-slate-700">
          {t("filters.after")}
          <input name="after" type="datetime-local" className={`${inputClasses} mt-1`} />
        </label>
        <label className="text-sm font-medium text-slate-700">
          {t("filters.before")}
          <input name="before" type="datetime-local" className={`${inputClasses} mt-1`} />
        </label>
        <div className="flex gap-2 lg:col-span-6">
          <Button type="submit">{t("filters.apply")}</Button>
          <Button type="reset" variant="secondary">
            {t("filters.reset")}
          </Button>
        </div>
      </form>

      {events.isError ? <Alert tone="error">{t(`errors.${errorCodeOf(events.error)}`)}</Alert> : null}
      {events.isPending ? (
        <p className="flex items-center gap-2 text-sm text-slate-600" role="status">
          <Spinner /> {t("loading")}
        </p>
      ) : rows.length === 0 && !events.isError ? (
        <EmptyState title={t("empty.title")} description={t("empty.body")} />
      ) : (
        <Card>
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-3">{t("columns.event")}</th>
                <th scope="col" className="px-4 py-3">{t("columns.created")}</th>
                <th scope="col" className="px-4 py-3">{t("columns.endpoints")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((event) => (
                <EventRow key={event.id} event={event} />
              ))}
            </tbody>
          </table>
        </Card>
      )}
      {events.hasNextPage ? (
        <Button variant="secondary" loading={events.isFetchingNextPage} onClick={() => events.fetchNextPage()}>
          {t("loadMore")}
        </Button>
      ) : null}
    </div>
  );
}

function EventRow({ event }: { event: EventSummary }) {
  const t = useTranslations("events");
  const counts = new Map<DeliveryStatus, number>();
  for (const e of event.endpoints) counts.set(e.status, (counts.get(e.status) ?? 0) + 1);
  return (
    <tr>
      <td className="px-4 py-3">
        <Link href={`/dashboard/events/${event.id}`} className="font-medium text-brand-700 hover:underline">
          {event.type}
        </Link>
        {event.test ? (
          <Badge tone="blue" className="ml-2">
            {t("test")}
          </Badge>
        ) : null}
        <div className="font-mono text-xs text-slate-500">{event.id}</div>
      </td>
      <td className="px-4 py-3 text-slate-700">
        <DateTime value={event.createdAt} />
      </td>
      <td className="px-4 py-3">
        {event.endpoints.length === 0 ? (
          <span className="text-slate-500">{t("noEndpoint")}</span>
        ) : (
          <span className="flex flex-wrap gap-1">
            {DELIVERY_STATUSES.filter((s) => counts.has(s)).map((s) => (
              <StatusBadge key={s} status={s}>
                {counts.get(s)} {t(`status.${s}`)}
              </StatusBadge>
            ))}
          </span>
        )}
      </td>
    </tr>
  );
}
