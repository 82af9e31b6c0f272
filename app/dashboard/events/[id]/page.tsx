import { getTranslations } from "next-intl/server";
import { EventDetail } from "@/components/events/event-detail";
import { BackLink } from "@/components/webhooks/back-link";

export async function generateMetadata() {
  const t = await getTranslations("events");
  return { title: t("detail.title") };
}

export default async function EventPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const t = await getTranslations("events");
  return (
    <>
      <BackLink href="/dashboard/events">{t("detail.back")}</BackLink>
      <EventDetail id={id} />
    </>
  );
}
