import { getTranslations } from "next-intl/server";
import { EventsBrowser } from "@/components/events/events-browser";
import { PageHeader } from "@/components/ui";

export async function generateMetadata() {
  const t = await getTranslations("events");
  return { title: t("title") };
}

export default async function EventsPage() {
  const t = await getTranslations("events");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <EventsBrowser />
    </>
  );
}
