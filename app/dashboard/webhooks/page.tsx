import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses, PageHeader } from "@/components/ui";
import { CliListenersBadge } from "@/components/cli/cli-listeners";
import { WebhookList } from "@/components/webhooks/webhook-list";

export const metadata: Metadata = { title: "Webhooks" };

export default function WebhooksPage() {
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Endpoints on your servers that receive signed, real-time notifications of conversions and partnerships."
        actions={
          <Link href="/dashboard/webhooks/new" className={buttonClasses("primary")}>
            Add endpoint
          </Link>
        }
      />
      <CliListenersBadge />
      <WebhookList />
    </>
  );
}
