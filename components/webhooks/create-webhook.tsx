"use client";

import Link from "next/link";
import { useState } from "react";
import { Alert, buttonClasses, Card, CardBody, SecretReveal } from "@/components/ui";
import { NO_OPTIONS } from "./endpoint-options-fields";
import { useCreateWebhook } from "./queries";
import type { CreatedWebhook } from "./types";
import { WebhookForm } from "./webhook-form";

/** /dashboard/webhooks/new: the form, then the signing secret — shown this once. */
export function CreateWebhook() {
  const create = useCreateWebhook();
  const [created, setCreated] = useState<CreatedWebhook | null>(null);

  if (created) return <CreatedEndpoint webhook={created} />;

  return (
    <Card>
      <CardBody>
        <WebhookForm
          initial={{ url: "", description: "", events: [], enabled: true, ...NO_OPTIONS }}
          submitLabel="Add endpoint"
          pending={create.isPending}
          onSubmit={async (values) => setCreated(await create.mutateAsync(values))}
          cancel={
            <Link href="/dashboard/webhooks" className={buttonClasses("secondary")}>
              Cancel
            </Link>
          }
        />
      </CardBody>
    </Card>
  );
}

function CreatedEndpoint({ webhook }: { webhook: CreatedWebhook }) {
  return (
    <Card>
      <CardBody className="space-y-5">
        <Alert tone="success" title="Endpoint added">
          <span className="break-all font-mono">{webhook.url}</span> will receive{" "}
          {webhook.events.length === 1 ? <code>{webhook.events[0]}</code> : `${webhook.events.length} kinds of events`}.
        </Alert>
        <div>
          <h2 className="text-base font-semibold text-slate-900">Signing secret</h2>
          <p className="mt-1 text-sm text-slate-600">
            Every delivery is signed with this secret. Store it with your server&apos;s configuration (for example as{" "}
            <code className="font-mono text-[13px]">PARTNERSMY_WEBHOOK_SECRET</code>).
          </p>
        </div>
        <SecretReveal value={webhook.secret} label="Signing secret">
          To verify a delivery, compute an HMAC-SHA256 of <code className="font-mono">{"<t>.<raw body>"}</code> with this
          secret and compare it with the <code className="font-mono">v1=</code> value of the{" "}
          <code className="font-mono">X-Webhook-Signature</code> header — or use any Standard Webhooks library with the
          secret as is. The endpoint page has code for Node, Python, PHP and Go.
        </SecretReveal>
        <div className="flex flex-col gap-2 sm:flex-row sm:justify-end">
          <Link href="/dashboard/webhooks" className={buttonClasses("secondary")}>
            Back to endpoints
          </Link>
          <Link href={`/dashboard/webhooks/${webhook.id}`} className={buttonClasses("primary")}>
            I&apos;ve saved it — go to the endpoint
          </Link>
        </div>
      </CardBody>
    </Card>
  );
}
