"use client";

import Link from "next/link";
import { useState } from "react";
import { Alert, Badge, Button, buttonClasses, Card, CardBody, CardHeader, DateTime, Spinner } from "@/components/ui";
import { ApiClientError, errorMessage } from "@/lib/client/api";
import { EVENT_CATALOGUE } from "@/lib/webhooks/events";
import { DeleteWebhookDialog } from "./delete-webhook-dialog";
import { DeliveryChart } from "./delivery-chart";
import { DeliveryLog } from "./delivery-log";
import { EnableControls } from "./enable-controls";
import { FailingBanner } from "./endpoint-health-banner";
import { pluralize } from "./format";
import { useSendTestEvent, useWebhook } from "./queries";
import { RotateSecretDialog } from "./rotate-secret-dialog";
import type { Webhook } from "./types";
import { VerifySignatures } from "./verify-signatures";
import { WebhookStatusBadge } from "./webhook-status-badge";
import { EndpointOptionsSummary } from "./endpoint-options-summary";

/** /dashboard/webhooks/:id: settings, actions, chart, delivery log and how to verify. */
export function WebhookDetail({ id }: { id: string }) {
  const webhook = useWebhook(id);

  if (webhook.isPending) {
    return (
      <Card className="flex justify-center py-12">
        <Spinner label="Loading endpoint…" />
      </Card>
    );
  }
  if (webhook.isError) {
    const missing = webhook.error instanceof ApiClientError && webhook.error.status === 404;
    return (
      <Alert tone="error" title={missing ? "Endpoint not found" : "Could not load this endpoint"}>
        {missing ? (
          <>
            It may have been deleted.{" "}
            <Link className="font-medium underline" href="/dashboard/webhooks">
              Back to your endpoints
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

  return (
    <div className="space-y-6">
      <header className="flex flex-col gap-4 lg:flex-row lg:items-start lg:justify-between">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <WebhookStatusBadge webhook={webhook} />
            <span className="text-xs text-slate-500">Endpoint</span>
          </div>
          <h1 className="mt-1 font-mono text-lg font-semibold break-all text-slate-900 sm:text-xl">{webhook.url}</h1>
          {webhook.description ? <p className="mt-1 text-sm text-slate-600">{webhook.description}</p> : null}
        </div>
        <div className="flex shrink-0 flex-wrap gap-2">
          <Button onClick={() => sendTest.mutate()} loading={sendTest.isPending} disabled={!webhook.enabled} title={webhook.enabled ? undefined : "Enable the endpoint to send it a test event"}>
            Send test event
          </Button>
          <EnableControls webhook={webhook} />
          <Link href={`/dashboard/webhooks/${webhook.id}/edit`} className={buttonClasses("secondary")}>
            Edit
          </Link>
          <Button variant="secondary" onClick={() => setDialog("rotate")}>
            Rotate secret
          </Button>
          <Button variant="ghost" className="text-red-700 hover:bg-red-50 hover:text-red-800" onClick={() => setDialog("delete")}>
            Delete
          </Button>
        </div>
      </header>

      {sendTest.isSuccess ? (
        <Alert tone="success">
          Test <code className="font-mono">conversion.created</code> event sent — it appears in the delivery log below.
        </Alert>
      ) : null}
      {sendTest.isError ? <Alert tone="error">{errorMessage(sendTest.error)}</Alert> : null}

      <FailingBanner webhook={webhook} />
      {!webhook.enabled ? (
        <Alert tone="warning" title="This endpoint is disabled">
          {webhook.disabledReason ?? "Nothing is being sent to it."}{" "}
          {held > 0
            ? `${pluralize(held, "event is", "events are")} held for it; when you enable it you can send or discard them.`
            : "New events are kept until you enable it again."}
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
  return (
    <Card>
      <CardHeader title="Settings" />
      <CardBody>
        <dl className="grid grid-cols-1 gap-x-8 gap-y-4 text-sm sm:grid-cols-2">
          <div className="sm:col-span-2">
            <dt className="text-slate-500">Events</dt>
            <dd className="mt-1">
              <ul className="space-y-1.5">
                {webhook.events.map((e) => (
                  <li key={e} className="flex flex-col gap-0.5 sm:flex-row sm:items-center sm:gap-2">
                    <Badge tone="blue" className="w-fit font-mono">
                      {e}
                    </Badge>
                    <span className="text-slate-600">{EVENT_CATALOGUE[e]?.description}</span>
                  </li>
                ))}
              </ul>
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Signing secret</dt>
            <dd className="mt-1 text-slate-800">
              <span className="font-mono">whsec_••••••••</span>{" "}
              <span className="text-slate-500">
                {webhook.secretRotatedAt ? (
                  <>
                    (rotated <DateTime value={webhook.secretRotatedAt} />)
                  </>
                ) : (
                  "(shown once when the endpoint was created)"
                )}
              </span>
              {webhook.previousSecretExpiresAt ? (
                <p className="mt-1 text-amber-800">
                  Previous secret valid until <DateTime value={webhook.previousSecretExpiresAt} />
                </p>
              ) : null}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Created</dt>
            <dd className="mt-1 text-slate-800">
              <DateTime value={webhook.createdAt} />
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Endpoint ID</dt>
            <dd className="mt-1 font-mono break-all text-slate-800">{webhook.id}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Retries</dt>
            <dd className="mt-1 text-slate-800">Up to 3 retries with backoff (4 attempts in all)</dd>
          </div>
        </dl>
      </CardBody>
    </Card>
  );
}
