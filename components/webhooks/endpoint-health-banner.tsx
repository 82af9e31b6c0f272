"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { Alert, DateTime } from "@/components/ui";
import type { Webhook } from "./types";
import { useCauseText } from "./use-cause-text";

// The endpoint's health as the server decided it (failingSince, disablesAt, lastError): the same
// state the owner is mailed about, shown where they look.

/** On the endpoint's page: it is failing, since when, until when, and why. */
export function FailingBanner({ webhook }: { webhook: Webhook }) {
  const t = useTranslations("webhooks.health");
  const cause = useCauseText();
  if (!webhook.enabled || !webhook.failingSince) return null;
  const since = webhook.failingSince;
  const disablesAt = webhook.disablesAt;
  return (
    <Alert tone="warning" title={t("title")}>
      <span data-testid="failing-banner">
        {t.rich("failingSince", { date: () => <DateTime value={since} /> })}{" "}
        {disablesAt ? <>{t.rich("disablesOn", { date: () => <DateTime value={disablesAt} /> })} </> : null}
        {webhook.lastError || webhook.lastErrorCause ? t("lastError", { error: cause("failure", webhook.lastErrorCause, webhook.lastError) }) : null}
      </span>
    </Alert>
  );
}

/** Above the webhooks list: which endpoints are failing or were disabled automatically. */
export function FailingEndpointsBanner({ webhooks }: { webhooks: Webhook[] }) {
  const t = useTranslations("webhooks.health");
  const cause = useCauseText();
  const failing = webhooks.filter((w) => w.enabled && w.failingSince);
  if (failing.length === 0) return null;
  return (
    <Alert tone="warning" title={t("listTitle", { count: failing.length })} className="mb-4">
      <ul data-testid="failing-endpoints" className="space-y-1">
        {failing.map((w) => (
          <li key={w.id}>
            <Link href={`/dashboard/webhooks/${w.id}`} className="font-mono underline">
              {w.url}
            </Link>{" "}
            — {t.rich("listFailingSince", { date: () => <DateTime value={w.failingSince} /> })}
            {w.disablesAt ? <>, {t.rich("listDisablesOn", { date: () => <DateTime value={w.disablesAt} /> })}</> : null}
            {w.lastError || w.lastErrorCause ? <>. {t("lastError", { error: cause("failure", w.lastErrorCause, w.lastError) })}</> : null}
          </li>
        ))}
      </ul>
    </Alert>
  );
}
