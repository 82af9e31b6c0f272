import type { Metadata } from "next";
import { PageHeader } from "@/components/ui";
import { BackLink } from "@/components/webhooks/back-link";
import { CreateWebhook } from "@/components/webhooks/create-webhook";

export const metadata: Metadata = { title: "Add webhook endpoint" };

export default function NewWebhookPage() {
  return (
    <div className="mx-auto max-w-3xl">
      <BackLink href="/dashboard/webhooks">All endpoints</BackLink>
      <PageHeader
        title="Add a webhook endpoint"
        description="Tell us where to send events. You'll get a signing secret to verify that each request really comes from PartnersMy."
      />
      <CreateWebhook />
    </div>
  );
}
