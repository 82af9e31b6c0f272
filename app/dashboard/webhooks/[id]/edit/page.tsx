import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/ui";
import { BackLink } from "@/components/webhooks/back-link";
import { EditWebhook } from "@/components/webhooks/edit-webhook";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("webhooks.pages");
  return { title: t("edit.metaTitle") };
}

export default async function EditWebhookPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const t = await getTranslations("webhooks.pages");
  return (
    <div className="mx-auto max-w-3xl">
      <BackLink href={`/dashboard/webhooks/${id}`}>{t("edit.back")}</BackLink>
      <PageHeader title={t("edit.title")} description={t("edit.description")} />
      <EditWebhook id={id} />
    </div>
  );
}
