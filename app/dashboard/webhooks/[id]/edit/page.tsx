import type { Metadata } from "next";
import { PageHeader } from "@/components/ui";
import { BackLink } from "@/components/webhooks/back-link";
import { EditWebhook } from "@/components/webhooks/edit-webhook";

export const metadata: Metadata = { title: "Edit webhook endpoint" };

export default async function EditWebhookPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <div className="mx-auto max-w-3xl">
      <BackLink href={`/dashboard/webhooks/${id}`}>Back to the endpoint</BackLink>
      <PageHeader title="Edit endpoint" description="Change where events go and which ones are sent. The signing secret stays the same." />
      <EditWebhook id={id} />
    </div>
  );
}
