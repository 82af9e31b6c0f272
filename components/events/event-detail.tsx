"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { Alert, Badge, Button, Card, CardBody, CardHeader, CopyButton, DateTime, EmptyState, Spinner, StatusBadge } from "@/components/ui";
import { useWebhooks } from "@/components/webhooks/queries";
import type { Delivery } from "@/components/webhooks/types";
import { errorCodeOf, useEvent, useReplay, useResendEvent, type EventWithDeliveries } from "./queries";

// An event's page: its payload exactly as sent, and per endpoint every delivery of it with
// Replay (the same delivery, same webhook-id) and Resend (a new delivery, new webhook-id).

export function EventDetail({ id }: { id: string }) {
  const t = useTranslations("events");
  const event = useEvent(id);
  if (event.isPending) {
    return (
      <p className="flex items-center gap-2 text-sm text-slate-600" role="status">
        <Spinner /> {t("loading")}
      </p>
    );
  }
  if (event.isError) {
    return errorCodeOf(event.error) === "not_found" ? (
      <EmptyState title={t("detail.notFound")} description={t("detail.notFoundBody")} />
    ) : (
      <Alert tone="error">{t(`errors.${errorCodeOf(event.error)}`)}</Alert>
    );
  }
  return <EventView event={event.data} />;
}

function EventView({ event }: { event: EventWithDeliveries }) {
  const t = useTranslations("events");
  const resend = useResendEvent(event.id);
  // Deliveries by endpoint, in the order of the summary (newest delivery first within each).
  const byEndpoint = event.endpoints.map((e) => ({ webhookId: e.webhookId, deliveries: event.deliveries.filter((d) => d.webhookId === e.webhookId) }));
  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold text-slate-900">
            {event.type}
            {event.test ? (
              <Badge tone="blue" className="ml-2 align-middle">
                {t("test")}
              </Badge>
            ) : null}
          </h1>
          <p className="mt-1 flex items-center gap-2 font-mono text-sm text-slate-600">
            {event.id} <CopyButton value={event.id} label={t("detail.copyId")} />
          </p>
          <p className="mt-1 text-sm text-slate-600">
            <DateTime value={event.createdAt} />
          </p>
        </div>
        <Button loading={resend.isPending && resend.variables === undefined} onClick={() => resend.mutate(undefined)}>
          {t("detail.resendAll")}
        </Button>
      </header>
      <p className="text-sm text-slate-600">{t("detail.resendHint")}</p>
      <SendOutcome resend={resend} />

      <Card>
        <CardHeader title={t("detail.payload")} />
        <CardBody>
          <pre data-testid="event-payload" className="overflow-x-auto rounded-md bg-slate-900 p-4 font-mono text-xs text-slate-100">
            {JSON.stringify(event.payload, null, 2)}
          </pre>
        </CardBody>
      </Card>

      <section aria-labelledby="event-deliveries" className="space-y-4">
        <h2 id="event-deliveries" className="text-lg font-semibold text-slate-900">
          {t("detail.deliveries")}
        </h2>
        {byEndpoint.length === 0 ? <p className="text-sm text-slate-600">{t("detail.noDeliveries")}</p> : null}
        {byEndpoint.map(({ webhookId, deliveries }) => (
          <EndpointDeliveries key={webhookId} eventId={event.id} webhookId={webhookId} deliveries={deliveries} />
        ))}
      </section>
    </div>
  );
}

function SendOutcome({ resend }: { resend: ReturnType<typeof useResendEvent> }) {
  const t = useTranslations("events");
  if (resend.isError) return <Alert tone="error">{t(`errors.${errorCodeOf(resend.error)}`)}</Alert>;
  if (resend.isSuccess) return <Alert tone="success">{t("detail.resent", { count: resend.data.deliveries.length })}</Alert>;
  return null;
}

function EndpointDeliveries({ eventId, webhookId, deliveries }: { eventId: string; webhookId: string; deliveries: Delivery[] }) {
  const t = useTranslations("events");
  const webhooks = useWebhooks();
  const url = webhooks.data?.find((w) => w.id === webhookId)?.url;
  const resend = useResendEvent(eventId);
  const replay = useReplay();
  return (
    <Card>
      <section aria-label={t("detail.endpoint", { url: url ?? webhookId })}>
        <CardHeader
          title={
            <Link href={`/dashboard/webhooks/${webhookId}`} className="text-brand-700 hover:underline">
              {url ?? webhookId}
            </Link>
          }
          actions={
            <Button size="sm" variant="secondary" loading={resend.isPending} onClick={() => resend.mutate(webhookId)}>
              {t("detail.resendOne")}
            </Button>
          }
        />
        <CardBody className="space-y-3">
          <SendOutcome resend={resend} />
          {replay.isError ? <Alert tone="error">{t(`errors.${errorCodeOf(replay.error)}`)}</Alert> : null}
          {replay.isSuccess ? <Alert tone="success">{t("detail.replayed")}</Alert> : null}
          <ul className="divide-y divide-slate-100">
            {deliveries.map((d) => (
              <li key={d.id} data-delivery-id={d.id} className="flex flex-wrap items-center gap-3 py-2 text-sm">
                <StatusBadge status={d.status}>{t(`status.${d.status}`)}</StatusBadge>
                <span className="font-mono text-xs text-slate-700" title={t("detail.deliveryId")}>
                  {d.id}
                </span>
                <span className="text-slate-600">{t("detail.attempts", { count: d.attemptCount })}</span>
                {d.lastStatusCode !== null ? <span className="font-mono text-slate-600">HTTP {d.lastStatusCode}</span> : null}
                <span className="text-slate-500">
                  <DateTime value={d.createdAt} />
                </span>
                <Button
                  size="sm"
                  variant="ghost"
                  className="ml-auto"
                  disabled={d.status === "pending"}
                  loading={replay.isPending && replay.variables === d.id}
                  onClick={() => replay.mutate(d.id)}
                >
                  {t("detail.replay")}
                </Button>
              </li>
            ))}
          </ul>
        </CardBody>
      </section>
    </Card>
  );
}
