import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import Link from "next/link";
import type { ReactNode } from "react";
import { ApiReference } from "@/components/docs/api-reference";
import { CodeBlock } from "@/components/docs/code-block";
import { DocsToc, type TocItem } from "@/components/docs/docs-toc";
import { EventCatalogue } from "@/components/docs/event-catalogue";
import { CatchUpSection } from "@/components/docs/sections/catch-up";
import { DevelopLocallySection } from "@/components/docs/sections/develop-locally";
import { EndpointOptionsSection } from "@/components/docs/sections/endpoint-options";
import { Callout, Code, DocSection, H3, InlineText, List, P, Table } from "@/components/docs/prose";
import { Brand } from "@/components/shell/brand";
import { LanguageSwitch } from "@/components/shell/language-switch";
import { VerifySignatures } from "@/components/webhooks/verify-signatures";
import { ERROR_STATUS } from "@/lib/api/errors";
import { ERROR_CODES } from "@/lib/openapi/errors";
import { documentedDefaults } from "@/lib/openapi/defaults";
import { getOpenApiDocument } from "@/lib/openapi/document";
import { translateDocument } from "@/lib/openapi/translation";
import { referenceTranslation } from "@/i18n/api-reference";
import { DELIVERY_HEADER_DOCS, SAMPLE_NEW_SECRET, SAMPLE_SECRET, sampleDelivery } from "@/lib/openapi/events";
import { formatMoney } from "@/i18n/format";
import { EVENT_TYPES } from "@/lib/webhooks/events";
import { DEFAULT_GRACE_PERIOD_SECONDS, MAX_GRACE_PERIOD_SECONDS, MAX_WEBHOOKS_PER_ACCOUNT } from "@/lib/webhooks/schemas";
import { SIGNATURE_TOLERANCE_SECONDS } from "@/lib/webhooks/signing";

// Public developer docs (no sign-in). Everything concrete on this page — event samples, headers,
// signatures, retry delays, the API reference — is computed from the code that sends and serves.

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("docs");
  return { title: t("metaTitle"), description: t("metaDescription") };
}

const TOC: TocItem[] = [
  { id: "overview", title: "Overview" },
  { id: "quickstart", title: "Quickstart" },
  { id: "authentication", title: "Authentication" },
  { id: "events", title: "Events" },
  { id: "delivery", title: "The delivery request" },
  { id: "verifying", title: "Verifying signatures" },
  { id: "responding", title: "Responding and retries" },
  { id: "disabling", title: "Failing and disabled endpoints" },
  { id: "rotation", title: "Rotating the secret" },
  { id: "replay", title: "Replay and bulk retry" },
  { id: "endpoint-options", title: "Endpoint options" },
  { id: "catch-up", title: "Catch up on missed events" },
  { id: "idempotency", title: "Idempotency" },
  { id: "endpoint-urls", title: "Endpoint URLs" },
  { id: "develop-locally", title: "Develop locally" },
  { id: "errors", title: "Errors" },
  { id: "api-reference", title: "API reference" },
];

// The sections this page words itself (a section added by its own component brings its own title).
const SECTION_IDS = [
  "overview", "quickstart", "authentication", "events", "delivery", "verifying", "responding", "disabling",
  "rotation", "replay", "idempotency", "endpoint-urls", "errors", "api-reference",
] as const;
type SectionId = (typeof SECTION_IDS)[number];
const isSectionId = (id: string): id is SectionId => (SECTION_IDS as readonly string[]).includes(id);

// What each delivery header means, in the reader's language (the header list itself is the code's).
type HeaderKey =
  | "contentType" | "userAgent" | "xWebhookSignature" | "xWebhookEvent" | "xWebhookDelivery" | "xWebhookAttempt"
  | "webhookId" | "webhookTimestamp" | "webhookSignature";
const HEADER_KEYS: Partial<Record<string, HeaderKey>> = {
  "Content-Type": "contentType",
  "User-Agent": "userAgent",
  "X-Webhook-Signature": "xWebhookSignature",
  "X-Webhook-Event": "xWebhookEvent",
  "X-Webhook-Delivery": "xWebhookDelivery",
  "X-Webhook-Attempt": "xWebhookAttempt",
  "webhook-id": "webhookId",
  "webhook-timestamp": "webhookTimestamp",
  "webhook-signature": "webhookSignature",
};

/** A delay in the largest unit that reads well: "1 min", "25 min", "2,5 h". */
function formatDelay(ms: number, locale: string): string {
  const [unit, size] = ms < 60_000 ? (["second", 1_000] as const) : ms < 3_600_000 ? (["minute", 60_000] as const) : (["hour", 3_600_000] as const);
  return new Intl.NumberFormat(locale, { style: "unit", unit, maximumFractionDigits: 1 }).format(ms / size);
}

/** The disable window in words: "3 days", "3 días", "12 hours". */
function formatWindow(ms: number, locale: string): string {
  const [unit, size] = ms % 86_400_000 === 0 ? (["day", 86_400_000] as const) : ms % 3_600_000 === 0 ? (["hour", 3_600_000] as const) : (["minute", 60_000] as const);
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long", maximumFractionDigits: 1 }).format(ms / size);
}

/** A whole number of days or hours, spelled out: "1 day", "7 días", "24 hours". */
function formatSeconds(seconds: number, locale: string): string {
  const [unit, size] = seconds % 86_400 === 0 ? (["day", 86_400] as const) : seconds % 3_600 === 0 ? (["hour", 3_600] as const) : (["second", 1] as const);
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }).format(seconds / size);
}

/** An HTTP request as it appears on the wire: request line, headers, blank line, raw body. */
function httpRequest(headers: Record<string, string>, body: string): string {
  const lines = DELIVERY_HEADER_DOCS.map((h) => `${h.name}: ${headers[h.name.toLowerCase()]}`);
  return `POST /webhooks/partnersmy HTTP/1.1\nHost: example.com\n${lines.join("\n")}\n\n${body}`;
}

export default async function DocsPage() {
  const t = await getTranslations("docs");
  const locale = await getLocale();
  const delay = (ms: number) => formatDelay(ms, locale);
  // Rich-text tags shared by the prose below; code and field names stay in the markup as they are.
  const code = (chunks: ReactNode) => <Code>{chunks}</Code>;
  const strong = (chunks: ReactNode) => <strong>{chunks}</strong>;
  const rich = { code, strong };
  const link = (href: string) => (chunks: ReactNode) =>
    href.startsWith("/dashboard") ? (
      <Link className="text-brand-700 underline" href={href}>
        {chunks}
      </Link>
    ) : (
      <a className="text-brand-700 underline" href={href}>
        {chunks}
      </a>
    );
  const headerMeaning = (name: string) => {
    const key = HEADER_KEYS[name];
    return key ? t(`delivery.headers.${key}`) : undefined;
  };
  // A section with a component of its own is titled in that component's namespace.
  const [options, catchUp, developLocally] = [
    await getTranslations("endpointOptions.docs"),
    await getTranslations("events.docs"),
    await getTranslations("cli.docs"),
  ];
  const ownTitles: Record<string, string> = {
    "endpoint-options": options("title"),
    "catch-up": catchUp("title"),
    "develop-locally": developLocally("title"),
  };
  const title = (id: string, fallback: string) => (isSectionId(id) ? t(`sections.${id}`) : (ownTitles[id] ?? fallback));
  const toc = TOC.map((item) => ({ ...item, title: title(item.id, item.title) }));
  const defaults = documentedDefaults();
  const disableAfter = formatWindow(defaults.disableAfterMs, locale);
  const doc = getOpenApiDocument();
  // The reference in the page's language; /api/openapi.json itself stays English.
  const referenceTexts = referenceTranslation(locale);
  const reference = translateDocument(doc, referenceTexts);
  const example = sampleDelivery("conversion.created");
  const rotating = sampleDelivery("conversion.created", [SAMPLE_NEW_SECRET, SAMPLE_SECRET]);
  const exampleHeaderValue = (name: string) => example.headers[name.toLowerCase()] ?? "";

  let elapsed = 0;
  const schedule = Array.from({ length: defaults.attempts }, (_, i) => {
    const delay = i === 0 ? 0 : defaults.retryDelaysMs[i - 1]!;
    elapsed += delay;
    return { attempt: i + 1, delay, elapsed };
  });

  return (
    <div className="min-h-screen bg-white">
      <header className="sticky top-0 z-20 border-b border-slate-200 bg-white/90 backdrop-blur">
        {/* Wraps on a phone: the brand, the language switch and the button do not fit one 390 px row. */}
        <div className="mx-auto flex min-h-14 max-w-7xl flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-2 sm:px-6">
          <div className="flex items-center gap-3">
            <Brand href="/docs" />
            <span className="hidden text-sm text-slate-400 sm:inline">/</span>
            <span className="hidden text-sm font-medium text-slate-700 sm:inline">{t("crumb")}</span>
          </div>
          <nav className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
            <LanguageSwitch />
            <a href="/api/openapi.json" className="hidden font-medium text-slate-600 hover:text-slate-900 sm:inline">
              OpenAPI
            </a>
            <Link href="/dashboard" className="rounded-md bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700">
              {t("dashboard")}
            </Link>
          </nav>
        </div>
      </header>

      <div className="mx-auto flex max-w-7xl gap-10 px-4 py-10 sm:px-6">
        <aside className="hidden w-56 shrink-0 lg:block">
          <div className="sticky top-20 max-h-[calc(100vh-6rem)] overflow-y-auto pb-8">
            <DocsToc items={toc} label={t("onThisPage")} />
          </div>
        </aside>

        <main className="min-w-0 flex-1 space-y-12 pb-24">
          <div>
            <p className="text-sm font-medium text-brand-700">{t("eyebrow")}</p>
            <h1 className="mt-1 text-3xl font-bold tracking-tight text-slate-900 sm:text-4xl">Webhooks</h1>
            <p className="mt-3 max-w-3xl text-lg leading-8 text-slate-600">
              {t("intro")}
            </p>
            <details className="mt-4 rounded-lg border border-slate-200 lg:hidden">
              <summary className="cursor-pointer px-4 py-2 text-sm font-medium text-slate-700">{t("onThisPage")}</summary>
              <ul className="grid gap-1 px-4 pb-3 text-sm sm:grid-cols-2">
                {toc.map((item) => (
                  <li key={item.id}>
                    <a className="text-brand-700 hover:underline" href={`#${item.id}`}>
                      {item.title}
                    </a>
                  </li>
                ))}
              </ul>
            </details>
          </div>

          <DocSection id="overview" title={title("overview", "Overview")}>
            <P>{t.rich("overview.body", rich)}</P>
            <List>
              <li>{t.rich("overview.manage", { ...rich, link: link("/dashboard/webhooks"), max: MAX_WEBHOOKS_PER_ACCOUNT })}</li>
              <li>{t.rich("overview.api", rich)}</li>
              <li>{t.rich("overview.openapi", { ...rich, link: link("/api/openapi.json") })}</li>
            </List>
          </DocSection>

          <DocSection id="quickstart" title={title("quickstart", "Quickstart")}>
            <List ordered>
              <li>{t.rich("quickstart.create", { ...rich, link: link("/dashboard/webhooks/new") })}</li>
              <li>{t.rich("quickstart.handler", { ...rich, link: link("#verifying") })}</li>
              <li>{t("quickstart.apiKey")}</li>
            </List>
            <CodeBlock
              label="shell"
              code={`curl -X POST https://<your-partnersmy-host>/api/v1/webhooks/test \\
  -H "Authorization: Bearer $PARTNERSMY_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{}'`}
            />
            <P>{t.rich("quickstart.answer", { ...rich, target: `{"webhookId": "wh_…"}`, perMinute: defaults.testSendsPerMinute })}</P>
          </DocSection>

          <DocSection id="authentication" title={title("authentication", "Authentication")} lead={t("auth.lead")}>
            <Table
              caption={t("auth.caption")}
              head={[t("auth.endpoints"), t("auth.credential"), t("auth.how")]}
              rows={[
                [
                  <Code key="a">/api/webhooks/**, /api/api-keys</Code>,
                  t("auth.session"),
                  <span key="c">{t.rich("auth.sessionHow", rich)}</span>,
                ],
                [
                  <Code key="a">/api/v1/**</Code>,
                  t("auth.apiKey"),
                  <span key="c">
                    {t.rich("auth.apiKeyHow", { ...rich, bearer: "Authorization: Bearer <key>", header: "X-API-Key: <key>", perMinute: defaults.apiKeyPerMinute })}
                  </span>,
                ],
                [<Code key="a">/api/signup, /api/health, /api/openapi.json</Code>, t("auth.none"), t("auth.public")],
              ]}
            />
            <CodeBlock
              label="shell"
              code={`curl https://<your-partnersmy-host>/api/v1/programs -H "Authorization: Bearer $PARTNERSMY_API_KEY"
# or
curl https://<your-partnersmy-host>/api/v1/programs -H "X-API-Key: $PARTNERSMY_API_KEY"`}
            />
            <Callout title={t("auth.secretsTitle")} tone="warn">
              {t.rich("auth.secretsBody", rich)}
            </Callout>
          </DocSection>

          <DocSection
            id="events"
            title={title("events", "Events")}
            lead={t("events.lead", { count: EVENT_TYPES.length, envelope: `{"event", "data": {"id", "type", "amount", "status", …}, "timestamp"}` })}
          >
            <P>{t.rich("events.body", { ...rich, example: formatMoney(4999, "USD", locale) })}</P>
            <EventCatalogue />
          </DocSection>

          <DocSection id="delivery" title={title("delivery", "The delivery request")} lead={t("delivery.lead")}>
            <CodeBlock label={t("delivery.requestLabel")} testId="delivery-request" code={httpRequest(example.headers, example.body)} />
            <P className="text-sm text-slate-500">
              {t.rich("delivery.sampleSecret", { ...rich, secret: SAMPLE_SECRET })}
            </P>
            <Table
              caption={t("delivery.headersCaption")} testId="delivery-headers"
              head={[t("delivery.header"), t("delivery.example"), t("delivery.meaning")]}
              rows={DELIVERY_HEADER_DOCS.map((h) => [
                <Code key="n" className="whitespace-nowrap">
                  {h.name}
                </Code>,
                <span key="e" className="font-mono text-xs break-all text-slate-600">
                  {exampleHeaderValue(h.name)}
                </span>,
                <InlineText key="d" text={headerMeaning(h.name) ?? h.description} />,
              ])}
            />
            <Callout title={t("delivery.rawTitle")}>{t("delivery.rawBody")}</Callout>
          </DocSection>

          <DocSection id="verifying" title={title("verifying", "Verifying signatures")}>
            <P>{t.rich("verifying.body", rich)}</P>
            <List>
              <li>
                {t.rich("verifying.xWebhook", {
                  ...rich,
                  header: "X-Webhook-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]",
                  signed: "<t>.<raw body>",
                })}
              </li>
              <li>
                {t.rich("verifying.standard", {
                  ...rich,
                  link: (chunks) => (
                    <a className="text-brand-700 underline" href="https://www.standardwebhooks.com/" rel="noreferrer" target="_blank">
                      {chunks}
                    </a>
                  ),
                  header: "webhook-signature: v1,<base64>[ v1,<base64>…]",
                  signed: "<webhook-id>.<webhook-timestamp>.<raw body>",
                })}
              </li>
              <li>{t.rich("verifying.tolerance", { ...rich, minutes: SIGNATURE_TOLERANCE_SECONDS / 60, seconds: SIGNATURE_TOLERANCE_SECONDS })}</li>
              <li>{t.rich("verifying.constantTime", rich)}</li>
            </List>
            <VerifySignatures />
            <H3>{t("verifying.rotationTitle")}</H3>
            <P>{t("verifying.rotationBody")}</P>
            <CodeBlock
              label={t("verifying.rotationLabel")}
              testId="rotation-headers"
              code={`X-Webhook-Signature: ${rotating.headers["x-webhook-signature"]}\nwebhook-signature: ${rotating.headers["webhook-signature"]}`}
            />
          </DocSection>

          <DocSection id="responding" title={title("responding", "Responding and retries")}>
            <List>
              <li>{t.rich("responding.success", { ...rich, seconds: defaults.timeoutMs / 1000 })}</li>
              <li>
                {t.rich("responding.deadlines", { ...rich, connect: defaults.connectTimeoutMs / 1000, firstByte: defaults.firstByteTimeoutMs / 1000 })}
              </li>
              <li>{t.rich("responding.redirects", rich)}</li>
              <li>
                {t.rich("responding.failure", { ...rich, attempts: defaults.attempts, retries: defaults.retryDelaysMs.length, jitter: defaults.jitterPercent })}
              </li>
              <li>{t.rich("responding.retryAfter", { ...rich, max: delay(defaults.maxRetryAfterMs) })}</li>
              <li>{t.rich("responding.gone", rich)}</li>
            </List>
            <Table
              caption={t("responding.scheduleCaption")} testId="retry-schedule"
              head={[t("responding.attempt"), t("responding.sent"), t("responding.elapsed")]}
              rows={schedule.map((row) => [
                row.attempt,
                row.attempt === 1
                  ? t("responding.immediately")
                  : t("responding.after", { delay: delay(row.delay), previous: row.attempt - 1, jitter: defaults.jitterPercent }),
                row.attempt === 1 ? "0" : delay(row.elapsed),
              ])}
            />
            <P className="text-sm text-slate-500">{t.rich("responding.defaults", rich)}</P>
          </DocSection>

          <DocSection id="disabling" title={title("disabling", "Failing and disabled endpoints")}>
            <P>{t.rich("disabling.failing", { ...rich, window: disableAfter })}</P>
            <P>{t.rich("disabling.notices", rich)}</P>
            <P>
              {t.rich("disabling.held", { ...rich, path: "GET /api/webhooks/{id}", enable: `{"enabled": true}`, discard: `"discardHeld": true` })}
            </P>
            <P className="text-sm text-slate-500">{t.rich("disabling.window", { ...rich, window: disableAfter })}</P>
          </DocSection>

          <DocSection id="rotation" title={title("rotation", "Rotating the secret")}>
            <P>
              {t.rich("rotation.body", {
                ...rich,
                path: "PUT /api/webhooks/{id}/rotate-secret",
                default: formatSeconds(DEFAULT_GRACE_PERIOD_SECONDS, locale),
                max: formatSeconds(MAX_GRACE_PERIOD_SECONDS, locale),
              })}
            </P>
            <List ordered>
              <li>{t("rotation.step1")}</li>
              <li>{t("rotation.step2")}</li>
              <li>{t("rotation.step3")}</li>
            </List>
            <P>{t.rich("rotation.limit", { ...rich, perHour: defaults.rotationsPerHour })}</P>
          </DocSection>

          <DocSection id="replay" title={title("replay", "Replay and bulk retry")}>
            <List>
              <li>{t.rich("replay.log", { ...rich, path: "GET /api/webhooks/{id}/deliveries?status=&event=&limit=&cursor=" })}</li>
              <li>{t.rich("replay.replay", { ...rich, path: "POST /api/webhooks/{deliveryId}/replay", attempts: defaults.attempts })}</li>
              <li>{t.rich("replay.bulk", { ...rich, body: `{"webhookId"?, "since"?, "until"?}` })}</li>
            </List>
          </DocSection>

          <EndpointOptionsSection />

          <CatchUpSection />

          <DocSection id="idempotency" title={title("idempotency", "Idempotency")}>
            <H3>{t("idempotency.receivingTitle")}</H3>
            <P>{t.rich("idempotency.receiving", rich)}</P>
            <CodeBlock
              label={t("idempotency.receivingLabel")}
              code={`// A unique index on processed_webhooks(webhook_id) makes this safe under concurrency.
const id = req.get("webhook-id");
const inserted = await db.query(
  "insert into processed_webhooks (webhook_id) values ($1) on conflict do nothing returning webhook_id",
  [id],
);
if (inserted.rowCount === 0) return res.sendStatus(200); // seen before: acknowledge, do nothing
await queue.add(JSON.parse(rawBody));
res.sendStatus(200);`}
            />
            <H3>{t("idempotency.sendingTitle")}</H3>
            <P>{t.rich("idempotency.sending", rich)}</P>
            <CodeBlock
              label="shell"
              code={`curl -X POST https://<your-partnersmy-host>/api/v1/conversions \\
  -H "Authorization: Bearer $PARTNERSMY_API_KEY" \\
  -H "Idempotency-Key: 5f0c9a52-3b4e-4f7a-9a53-0b8d3f2c1e77" \\
  -H "Content-Type: application/json" \\
  -d '{"programId":"prg_8d1f3h5j7k9l2z4x6c8v","affiliateId":"acct_9z8y7x6w5v4u3t2s1r0q","amount":4999,"externalId":"order-10293"}'`}
            />
          </DocSection>

          <DocSection id="endpoint-urls" title={title("endpoint-urls", "Endpoint URLs")}>
            <List>
              <li>{t.rich("urls.absolute", rich)}</li>
              <li>{t.rich("urls.private", rich)}</li>
              <li>{t("urls.redirects")}</li>
            </List>
          </DocSection>

          <DevelopLocallySection />

          <DocSection id="errors" title={title("errors", "Errors")} lead={t("errors.lead")}>
            <CodeBlock
              label="422 Unprocessable Content"
              code={JSON.stringify(
                {
                  error: {
                    code: "unprocessable",
                    message: "The request is invalid; see details.",
                    details: { fieldErrors: { events: ["Subscribe to at least one event."] }, formErrors: [] },
                  },
                },
                null,
                2,
              )}
            />
            <Table
              caption={t("errors.caption")} testId="error-codes"
              head={[t("errors.status"), "code", t("errors.when")]}
              rows={ERROR_CODES.map((errorCode) => [
                <span key="s" className="font-mono">{ERROR_STATUS[errorCode]}</span>,
                <Code key="c">{errorCode}</Code>,
                <InlineText key="w" text={t(`errors.codes.${errorCode}`)} />,
              ])}
            />
            <P>{t.rich("errors.notes", rich)}</P>
          </DocSection>

          <DocSection
            id="api-reference"
            title={title("api-reference", "API reference")}
            lead={t("reference.lead")}
          >
            <p className="text-sm">
              <a className="font-medium text-brand-700 underline" href="/api/openapi.json">
                /api/openapi.json
              </a>{" "}
              <span className="text-slate-500">— {t("reference.openapi", { version: doc.openapi })}</span>
            </p>
            <ApiReference
              tags={reference.tags ?? []}
              paths={reference.paths ?? {}}
              schemas={reference.components?.schemas ?? {}}
              translation={referenceTexts}
            />
          </DocSection>
        </main>
      </div>
    </div>
  );
}
