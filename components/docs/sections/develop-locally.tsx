import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { CodeBlock } from "@/components/docs/code-block";
import { Callout, Code, DocSection, H3, List, P } from "@/components/docs/prose";
import { parseConfig } from "@/lib/config";
import { EVENT_TYPES } from "@/lib/webhooks/events";

// Docs: "Develop locally" — the `partnersmy` CLI (cli/), and the limits of its event stream.
// The numbers are the code's defaults, read from the config parser like the rest of the page.

const COMMANDS = `export PARTNERSMY_API_KEY=pmk_…                   # --api-key
export PARTNERSMY_BASE_URL=https://your-app.example  # --base-url (default http://localhost:3000)

npx partnersmy listen --forward-to http://localhost:4000/webhooks
npx partnersmy listen --forward-to http://localhost:4000/webhooks --events conversion.created,conversion.approved
npx partnersmy trigger conversion.approved
npx partnersmy events resend evt_… --webhook-id wh_…

npm run cli -- listen --forward-to http://localhost:4000/webhooks`;

const OUTPUT = `Signing secret for this session: whsec_kD3…=
Ready. Forwarding all events to http://localhost:4000/webhooks (Ctrl-C to stop)
2026-12-02T13:05:07.120Z  conversion.created   evt_m2k1x0c9q8w7e6r5t4y3  → 200 in 12 ms
2026-12-02T13:05:09.884Z  conversion.approved  evt_p0o9i8u7y6t5r4e3w2q1  → 500 in 31 ms`;

export async function DevelopLocallySection() {
  const t = await getTranslations("cli.docs");
  const { eventStream } = parseConfig({});
  const code = (c: ReactNode) => <Code>{c}</Code>;
  return (
    <DocSection id="develop-locally" title={t("title")} lead={t("lead")}>
      <H3>{t("installTitle")}</H3>
      <P>{t.rich("install", { code })}</P>
      <CodeBlock code={COMMANDS} label="shell" testId="cli-commands" />
      <List>
        <li>{t.rich("listen", { code, url: "<url>" })}</li>
        <li>{t.rich("trigger", { code, event: "<event>", types: EVENT_TYPES.join(", ") })}</li>
        <li>{t.rich("resend", { code, id: "<id>" })}</li>
      </List>

      <H3>{t("secretTitle")}</H3>
      <P>{t.rich("secret", { code })}</P>
      <P>{t("output")}</P>
      <CodeBlock code={OUTPUT} label="partnersmy listen" />
      <P>{t.rich("reconnect", { code })}</P>
      <P>{t("dashboard")}</P>

      <Callout title={t("limitsTitle")}>
        {t.rich("limits", {
          code,
          maxSeconds: eventStream.maxMs / 1000,
          heartbeatSeconds: eventStream.heartbeatMs / 1000,
          pollMs: eventStream.pollMs,
        })}
      </Callout>
    </DocSection>
  );
}
