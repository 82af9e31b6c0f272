import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Docs" };

const TOPICS = [
  { title: "Events", body: "conversion.created, conversion.approved, conversion.rejected and partnership.created — when each fires and who receives it." },
  { title: "Payload format", body: "The JSON body of every delivery: { event, data: { id, type, amount, status, … }, timestamp }." },
  { title: "Verifying signatures", body: "X-Webhook-Signature (HMAC-SHA256 over timestamp and body) and the Standard Webhooks headers, with code to check them." },
  { title: "Retries and replays", body: "Up to 3 retries with exponential backoff, what counts as success, replaying one delivery or retrying every failed one." },
  { title: "Rotating secrets", body: "A new signing secret without missing a delivery: both secrets sign during the grace period." },
  { title: "API reference", body: "The /api/v1 endpoints your server calls with an API key, and the dashboard endpoints for managing webhooks." },
];

// Placeholder index for the developer docs; the Webhooks guide lives under /dashboard/docs/webhooks.
export default function DocsPage() {
  return (
    <>
      <PageHeader
        title="Docs"
        description="How to receive PartnersMy events on your server, verify them, and call the API."
      />
      <Card className="p-4 sm:p-6">
        <h2 className="text-base font-semibold text-slate-900">Webhooks guide</h2>
        <p className="mt-1 text-sm text-slate-600">Everything you need to receive and trust webhook deliveries:</p>
        <ul className="mt-4 grid gap-3 sm:grid-cols-2">
          {TOPICS.map((topic) => (
            <li key={topic.title} className="rounded-md bg-slate-50 px-3 py-2">
              <p className="text-sm font-medium text-slate-900">{topic.title}</p>
              <p className="mt-0.5 text-sm text-slate-600">{topic.body}</p>
            </li>
          ))}
        </ul>
        <Link
          href="/dashboard/docs/webhooks"
          className="mt-5 inline-flex items-center gap-1 text-sm font-medium text-brand-600 hover:text-brand-700 hover:underline"
        >
          Read the Webhooks guide <span aria-hidden="true">→</span>
        </Link>
      </Card>
    </>
  );
}
