import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/ui";
import { BackLink } from "@/components/webhooks/back-link";
import { CreateWebhook } from "@/components/webhooks/create-webhook";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("webhooks.pages");
  return { title: t("new.metaTitle") };
}

export default async function NewWebhookPage() {
  const t = await getTranslations("webhooks.pages");
  return (
    <div className="mx-auto max-w-3xl">
      <BackLink href="/dashboard/webhooks">{t("allEndpoints")}</BackLink>
      <PageHeader
        title={t("new.title")}
        description={t("new.description")}
      />
      <CreateWebhook />
    </div>
  );
}
