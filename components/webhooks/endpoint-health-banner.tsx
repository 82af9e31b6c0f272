"use client";

import Link from "next/link";
import { Alert, DateTime } from "@/components/ui";
import { pluralize } from "./format";
import type { Webhook } from "./types";

// The endpoint's health as the server decided it (failingSince, disablesAt, lastError): the same
// state the owner is mailed about, shown where they look.

/** On the endpoint's page: it is failing, since when, until when, and why. */
export function FailingBanner({ webhook }: { webhook: Webhook }) {
  if (!webhook.enabled || !webhook.failingSince) return null;
  return (
    <Alert tone="warning" title="This endpoint is failing">
      <span data-testid="failing-banner">
        Every delivery has failed since <DateTime value={webhook.failingSince} />.{" "}
        {webhook.disablesAt ? (
          <>
            Unless one succeeds, it will be disabled on <DateTime value={webhook.disablesAt} />.{" "}
          </>
        ) : null}
        {webhook.lastError ? <>Last error: {webhook.lastError}</> : null}
      </span>
    </Alert>
  );
}

/** Above the webhooks list: which endpoints are failing or were disabled automatically. */
export function FailingEndpointsBanner({ webhooks }: { webhooks: Webhook[] }) {
  const failing = webhooks.filter((w) => w.enabled && w.failingSince);
  if (failing.length === 0) return null;
  return (
    <Alert tone="warning" title={`${pluralize(failing.length, "endpoint is", "endpoints are")} failing`} className="mb-4">
      <ul data-testid="failing-endpoints" className="space-y-1">
        {failing.map((w) => (
          <li key={w.id}>
            <Link href={`/dashboard/webhooks/${w.id}`} className="font-mono underline">
              {w.url}
            </Link>{" "}
            — failing since <DateTime value={w.failingSince} />
            {w.disablesAt ? (
              <>
                , disabled on <DateTime value={w.disablesAt} /> unless a delivery succeeds
              </>
            ) : null}
            {w.lastError ? `. Last error: ${w.lastError}` : null}
          </li>
        ))}
      </ul>
    </Alert>
  );
}
