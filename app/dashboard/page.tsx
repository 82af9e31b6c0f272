import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { auth } from "@/auth";
import { SignOutEverywhereButton } from "@/components/shell/sign-out-button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Overview" };

// The dashboard's front page: who you are signed in as, and the next steps to receive events.
export default async function OverviewPage() {
  const session = await auth();
  const user = session?.user;
  const firstName = user?.name?.split(" ")[0] ?? "there";
  const isAdvertiser = user?.accountKind === "advertiser";

  return (
    <>
      <PageHeader
        title={`Welcome, ${firstName}`}
        description={
          <>
            You're signed in to <strong className="font-semibold text-slate-800">{user?.accountName}</strong>. Webhooks
            send a signed HTTP request to your server the moment something happens in your account.
          </>
        }
      />

      <h2 className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">Get started</h2>
      <ol className="grid gap-4 md:grid-cols-3">
        <Step
          number={1}
          title="Create an API key"
          href="/dashboard/api-keys"
          action="Go to API keys"
          body={
            isAdvertiser
              ? "Your server uses it to call /api/v1 — create programs and register conversions."
              : "Your server uses it to call /api/v1 — browse programs and apply to partner with them."
          }
        />
        <Step
          number={2}
          title="Add a webhook endpoint"
          href="/dashboard/webhooks"
          action="Go to Webhooks"
          body="Give us an HTTPS URL and pick the events it should receive. Send a test event to check it works."
        />
        <Step
          number={3}
          title="Verify signatures"
          href="/dashboard/docs"
          action="Read the docs"
          body="Each delivery is signed with HMAC-SHA256. Check the signature before trusting an event."
        />
      </ol>

      <Card className="mt-8 p-4 sm:p-6">
        <h2 className="text-base font-semibold text-slate-900">Events you can receive</h2>
        <ul className="mt-3 grid gap-2 text-sm text-slate-700 sm:grid-cols-2">
          <EventItem name="conversion.created">a conversion is registered</EventItem>
          <EventItem name="conversion.approved">the advertiser approves a commission</EventItem>
          <EventItem name="conversion.rejected">a commission is rejected</EventItem>
          <EventItem name="partnership.created">an affiliate applies to a program</EventItem>
        </ul>
      </Card>

      <Card className="mt-8 p-4 sm:p-6">
        <section aria-labelledby="sessions-heading" className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <div>
            <h2 id="sessions-heading" className="text-base font-semibold text-slate-900">
              Your sessions
            </h2>
            <p className="mt-1 text-sm text-slate-600">
              Signed in on a computer you no longer use? Signing out everywhere ends every session of yours, in every
              browser, this one included. API keys keep working.
            </p>
          </div>
          <SignOutEverywhereButton className="shrink-0" />
        </section>
      </Card>
    </>
  );
}

function Step({ number, title, body, href, action }: { number: number; title: string; body: string; href: string; action: string }) {
  return (
    <li>
      <Card className="flex h-full flex-col p-4 sm:p-5">
        <span
          aria-hidden="true"
          className="flex h-7 w-7 items-center justify-center rounded-full bg-brand-50 text-sm font-semibold text-brand-700"
        >
          {number}
        </span>
        <h3 className="mt-3 text-sm font-semibold text-slate-900">{title}</h3>
        <p className="mt-1 flex-1 text-sm text-slate-600">{body}</p>
        <Link
          href={href}
          className="mt-4 inline-flex items-center gap-1 text-sm font-medium text-brand-600 hover:text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
        >
          {action} <span aria-hidden="true">→</span>
        </Link>
      </Card>
    </li>
  );
}

function EventItem({ name, children }: { name: string; children: ReactNode }) {
  return (
    <li className="flex flex-col rounded-md bg-slate-50 px-3 py-2">
      <code className="font-mono text-xs font-semibold text-slate-900">{name}</code>
      <span className="text-slate-600">{children}</span>
    </li>
  );
}
