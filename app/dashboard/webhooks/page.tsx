import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { buttonClasses, PageHeader } from "@/components/ui";
import { CliListenersBadge } from "@/components/cli/cli-listeners";
import { WebhookList } from "@/components/webhooks/webhook-list";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("nav");
  return { title: t("webhooks") };
}

export default async function WebhooksPage() {
  const t = await getTranslations("webhooks.list");
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <Link href="/dashboard/webhooks/new" className={buttonClasses("primary")}>
            {t("add")}
          </Link>
        }
      />
      <CliListenersBadge />
      <WebhookList />
    </>
  );
}
