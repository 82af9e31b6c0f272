"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Alert, buttonClasses, Card, CardBody, Spinner } from "@/components/ui";
import { useErrorMessage } from "@/i18n/error-messages";
import { changedOptions, optionsOf } from "./endpoint-options-fields";
import { useUpdateWebhook, useWebhook, type WebhookPatch } from "./queries";
import { WebhookForm } from "./webhook-form";

/** /dashboard/webhooks/:id/edit: the same form, saving only what changed. */
export function EditWebhook({ id }: { id: string }) {
  const webhook = useWebhook(id);
  const update = useUpdateWebhook(id);
  const router = useRouter();
  const t = useTranslations("webhooks.edit");
  const errorMessage = useErrorMessage();

  if (webhook.isPending) {
    return (
      <Card className="flex justify-center py-12">
        <Spinner label={t("loading")} />
      </Card>
    );
  }
  if (webhook.isError) return <Alert tone="error" title={t("loadFailed")}>{errorMessage(webhook.error)}</Alert>;

  const w = webhook.data;
  const held = w.heldDeliveries ?? 0;
  return (
    <Card>
      <CardBody>
        <WebhookForm
          initial={{ url: w.url, description: w.description, events: w.events, enabled: w.enabled, ...optionsOf(w) }}
          submitLabel={t("submit")}
          pending={update.isPending}
          enabledHint={
            !w.enabled && held > 0
              ? t("enabledHintHeld", { count: held })
              : undefined
          }
          onSubmit={async (values) => {
            const patch: WebhookPatch = {};
            if (values.url !== w.url) patch.url = values.url;
            if (values.description !== w.description) patch.description = values.description;
            if (values.events.join() !== w.events.join()) patch.events = values.events;
            if (values.enabled !== w.enabled) patch.enabled = values.enabled;
            Object.assign(patch, changedOptions(optionsOf(w), values));
            if (Object.keys(patch).length > 0) await update.mutateAsync(patch);
            router.push(`/dashboard/webhooks/${id}`);
          }}
          cancel={
            <Link href={`/dashboard/webhooks/${id}`} className={buttonClasses("secondary")}>
              {t("cancel")}
            </Link>
          }
        />
      </CardBody>
    </Card>
  );
}
