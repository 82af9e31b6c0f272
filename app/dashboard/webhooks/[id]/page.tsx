import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { BackLink } from "@/components/webhooks/back-link";
import { WebhookDetail } from "@/components/webhooks/webhook-detail";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("webhooks.pages");
  return { title: t("detail.metaTitle") };
}

export default async function WebhookPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const t = await getTranslations("webhooks.pages");
  return (
    <>
      <BackLink href="/dashboard/webhooks">{t("allEndpoints")}</BackLink>
      <WebhookDetail id={id} />
    </>
  );
}
