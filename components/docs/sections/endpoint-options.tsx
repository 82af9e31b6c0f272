import { getTranslations } from "next-intl/server";
import { Callout, Code, DocSection, List, P } from "@/components/docs/prose";
import { MAX_CUSTOM_HEADERS, MAX_PROGRAM_FILTERS, MAX_RATE_LIMIT_PER_SECOND } from "@/lib/webhooks/schemas";

// /docs: the per-endpoint options (issue 13) — custom headers, throttle, FIFO, program filters —
// and why a delivery waits. Its own component so the docs page carries one line for it.

const code = (chunks: React.ReactNode) => <Code>{chunks}</Code>;

export async function EndpointOptionsSection() {
  const t = await getTranslations("endpointOptions.docs");
  return (
    <DocSection id="endpoint-options" title={t("title")} lead={t("lead")}>
      <List>
        <li>{t.rich("headers", { code, max: MAX_CUSTOM_HEADERS })}</li>
        <li>{t.rich("rate", { code, max: MAX_RATE_LIMIT_PER_SECOND })}</li>
        <li>{t.rich("fifo", { code })}</li>
        <li>{t.rich("programs", { code, max: MAX_PROGRAM_FILTERS })}</li>
      </List>
      <Callout title={t("fifoFailureTitle")}>{t("fifoFailure")}</Callout>
      <P>{t.rich("waiting", { code })}</P>
    </DocSection>
  );
}
