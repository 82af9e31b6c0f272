import type { Metadata } from "next";
import { BackLink } from "@/components/webhooks/back-link";
import { WebhookDetail } from "@/components/webhooks/webhook-detail";

export const metadata: Metadata = { title: "Webhook endpoint" };

export default async function WebhookPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <BackLink href="/dashboard/webhooks">All endpoints</BackLink>
      <WebhookDetail id={id} />
    </>
  );
}
