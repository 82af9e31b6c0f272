import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import type { ReactNode } from "react";
import { auth } from "@/auth";
import { SignOutEverywhereButton } from "@/components/shell/sign-out-button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("nav");
  return { title: t("overview") };
}

// The dashboard's front page: who you are signed in as, and the next steps to receive events.
export default async function OverviewPage() {
  const session = await auth();
  const t = await getTranslations("overview");
  const user = session?.user;
  const firstName = user?.name?.split(" ")[0];
  const isAdvertiser = user?.accountKind === "advertiser";
  const strong = (chunks: ReactNode) => <strong className="font-semibold text-slate-800">{chunks}</strong>;

  return (
    <>
      <PageHeader
        title={firstName ? t("welcome", { name: firstName }) : t("welcomeAnonymous")}
        description={t.rich("intro", { account: user?.accountName ?? "", strong })}
      />

      <h2 className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">{t("getStarted")}</h2>
      <ol className="grid gap-4 md:grid-cols-3">
        <Step
          number={1}
          title={t("steps.apiKey.title")}
          href="/dashboard/api-keys"
          action={t("steps.apiKey.action")}
          body={isAdvertiser ? t("steps.apiKey.bodyAdvertiser") : t("steps.apiKey.bodyAffiliate")}
        />
        <Step
          number={2}
          title={t("steps.endpoint.title")}
          href="/dashboard/webhooks"
          action={t("steps.endpoint.action")}
          body={t("steps.endpoint.body")}
        />
        <Step
          number={3}
          title={t("steps.verify.title")}
          href="/dashboard/docs"
          action={t("steps.verify.action")}
          body={t("steps.verify.body")}
        />
      </ol>

      <Card className="mt-8 p-4 sm:p-6">
        <h2 className="text-base font-semibold text-slate-900">{t("eventsTitle")}</h2>
        <ul className="mt-3 grid gap-2 text-sm text-slate-700 sm:grid-cols-2">
          <EventItem name="conversion.created">{t("events.conversionCreated")}</EventItem>
          <EventItem name="conversion.approved">{t("events.conversionApproved")}</EventItem>
          <EventItem name="conversion.rejected">{t("events.conversionRejected")}</EventItem>
          <EventItem name="partnership.created">{t("events.partnershipCreated")}</EventItem>
        </ul>
      </Card>

      <Card className="mt-8 p-4 sm:p-6">
        <section aria-labelledby="sessions-heading" className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <div>
            <h2 id="sessions-heading" className="text-base font-semibold text-slate-900">
              {t("sessionsTitle")}
            </h2>
            <p className="mt-1 text-sm text-slate-600">{t("sessionsBody")}</p>
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
