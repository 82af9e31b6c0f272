"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { Alert, buttonClasses, Card, CardBody, SecretReveal } from "@/components/ui";
import { NO_OPTIONS } from "./endpoint-options-fields";
import { useCreateWebhook } from "./queries";
import type { CreatedWebhook } from "./types";
import { WebhookForm } from "./webhook-form";

/** /dashboard/webhooks/new: the form, then the signing secret — shown this once. */
export function CreateWebhook() {
  const create = useCreateWebhook();
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const t = useTranslations("webhooks.create");

  if (created) return <CreatedEndpoint webhook={created} />;

  return (
    <Card>
      <CardBody>
        <WebhookForm
          initial={{ url: "", description: "", events: [], enabled: true, ...NO_OPTIONS }}
          submitLabel={t("submit")}
          pending={create.isPending}
          onSubmit={async (values) => setCreated(await create.mutateAsync(values))}
          cancel={
            <Link href="/dashboard/webhooks" className={buttonClasses("secondary")}>
              {t("cancel")}
            </Link>
          }
        />
      </CardBody>
    </Card>
  );
}

function CreatedEndpoint({ webhook }: { webhook: CreatedWebhook }) {
  const t = useTranslations("webhooks.create");
  const code = (chunks: ReactNode) => <code className="font-mono">{chunks}</code>;
  return (
    <Card>
      <CardBody className="space-y-5">
        <Alert tone="success" title={t("added")}>
          {t.rich("willReceive", {
            count: webhook.events.length,
            event: webhook.events[0] ?? "",
            url: (chunks) => <span className="break-all font-mono">{chunks}</span>,
            target: webhook.url,
            code: (chunks) => <code>{chunks}</code>,
          })}
        </Alert>
        <div>
          <h2 className="text-base font-semibold text-slate-900">{t("secretTitle")}</h2>
          <p className="mt-1 text-sm text-slate-600">
            {t.rich("secretBody", { code: (chunks) => <code className="font-mono text-[13px]">{chunks}</code> })}
          </p>
        </div>
        <SecretReveal value={webhook.secret} label={t("secretTitle")}>
          {t.rich("secretHowTo", { code, input: "<t>.<raw body>" })}
        </SecretReveal>
        <div className="flex flex-col gap-2 sm:flex-row sm:justify-end">
          <Link href="/dashboard/webhooks" className={buttonClasses("secondary")}>
            {t("backToList")}
          </Link>
          <Link href={`/dashboard/webhooks/${webhook.id}`} className={buttonClasses("primary")}>
            {t("saved")}
          </Link>
        </div>
      </CardBody>
    </Card>
  );
}
