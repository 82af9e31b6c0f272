import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { CodeBlock } from "@/components/docs/code-block";
import { Callout, Code, DocSection, List, P } from "@/components/docs/prose";
import { parseConfig } from "@/lib/config";
import { DEFAULT_EVENTS_PAGE, MAX_EVENTS_PAGE } from "@/lib/events/schemas";

// Docs: "Catch up on missed events" — the events API (lib/events) and how resend differs from replay.

const EXAMPLE = `curl -H "Authorization: Bearer $PARTNERSMY_API_KEY" \\
  "https://your-app.example/api/v1/events?deliveryStatus=failed&after=2026-12-01T00:00:00Z"

curl -X POST -H "Authorization: Bearer $PARTNERSMY_API_KEY" -H "Content-Type: application/json" \\
  -d '{"webhookId": "wh_…"}' https://your-app.example/api/v1/events/evt_…/resend`;

export async function CatchUpSection() {
  const t = await getTranslations("events.docs");
  const { retentionDays } = parseConfig({});
  const code = (c: ReactNode) => <Code>{c}</Code>;
  return (
    <DocSection id="catch-up" title={t("title")} lead={t("lead")}>
      <List>
        <li>{t.rich("list", { code, max: MAX_EVENTS_PAGE, default: DEFAULT_EVENTS_PAGE })}</li>
        <li>{t.rich("get", { code, id: "{id}" })}</li>
        <li>{t.rich("resend", { code, id: "{id}", body: '{"webhookId"?}' })}</li>
      </List>
      <P>{t.rich("window", { code, days: retentionDays })}</P>
      <CodeBlock code={EXAMPLE} label="shell" />
      <Callout title={t("newIdTitle")}>{t.rich("newId", { code, deliveryId: "{deliveryId}" })}</Callout>
      <P>{t("dashboard")}</P>
    </DocSection>
  );
}
