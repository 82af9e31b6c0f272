import type { Metadata } from "next";
import Link from "next/link";
import { ApiReference } from "@/components/docs/api-reference";
import { CodeBlock } from "@/components/docs/code-block";
import { DocsToc, type TocItem } from "@/components/docs/docs-toc";
import { EventCatalogue } from "@/components/docs/event-catalogue";
import { EndpointOptionsSection } from "@/components/docs/sections/endpoint-options";
import { Callout, Code, DocSection, H3, InlineText, List, P, Table } from "@/components/docs/prose";
import { Brand } from "@/components/shell/brand";
import { LanguageSwitch } from "@/components/shell/language-switch";
import { VerifySignatures } from "@/components/webhooks/verify-signatures";
import { ERROR_STATUS } from "@/lib/api/errors";
import { ERROR_CODES, ERROR_DESCRIPTIONS } from "@/lib/openapi/errors";
import { documentedDefaults } from "@/lib/openapi/defaults";
import { getOpenApiDocument } from "@/lib/openapi/document";
import { DELIVERY_HEADER_DOCS, SAMPLE_NEW_SECRET, SAMPLE_SECRET, sampleDelivery } from "@/lib/openapi/events";
import { describeDuration } from "@/lib/webhooks/endpoint-policy";
import { EVENT_TYPES } from "@/lib/webhooks/events";
import { DEFAULT_GRACE_PERIOD_SECONDS, MAX_GRACE_PERIOD_SECONDS, MAX_WEBHOOKS_PER_ACCOUNT } from "@/lib/webhooks/schemas";
import { SIGNATURE_TOLERANCE_SECONDS } from "@/lib/webhooks/signing";

// Public developer docs (no sign-in). Everything concrete on this page — event samples, headers,
// signatures, retry delays, the API reference — is computed from the code that sends and serves.

export const metadata: Metadata = {
  title: "Webhooks & API docs",
  description: "Receive PartnersMy events on your server: events, payloads, signatures, retries and the API.",
};

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
  { id: "idempotency", title: "Idempotency" },
  { id: "endpoint-urls", title: "Endpoint URLs" },
  { id: "errors", title: "Errors" },
  { id: "api-reference", title: "API reference" },
];

function formatDelay(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}

function formatSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? "" : "s"}`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} hours`;
  return `${seconds} s`;
}

/** An HTTP request as it appears on the wire: request line, headers, blank line, raw body. */
function httpRequest(headers: Record<string, string>, body: string): string {
  const lines = DELIVERY_HEADER_DOCS.map((h) => `${h.name}: ${headers[h.name.toLowerCase()]}`);
  return `POST /webhooks/partnersmy HTTP/1.1\nHost: example.com\n${lines.join("\n")}\n\n${body}`;
}

export default function DocsPage() {
  const defaults = documentedDefaults();
  const doc = getOpenApiDocument();
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
        <div className="mx-auto flex h-14 max-w-7xl items-center justify-between gap-4 px-4 sm:px-6">
          <div className="flex items-center gap-3">
            <Brand href="/docs" />
            <span className="hidden text-sm text-slate-400 sm:inline">/</span>
            <span className="hidden text-sm font-medium text-slate-700 sm:inline">Docs</span>
          </div>
          <nav className="flex items-center gap-4 text-sm">
            <LanguageSwitch />
            <a href="/api/openapi.json" className="font-medium text-slate-600 hover:text-slate-900">
              OpenAPI
            </a>
            <Link href="/dashboard" className="rounded-md bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700">
              Dashboard
            </Link>
          </nav>
        </div>
      </header>

      <div className="mx-auto flex max-w-7xl gap-10 px-4 py-10 sm:px-6">
        <aside className="hidden w-56 shrink-0 lg:block">
          <div className="sticky top-20 max-h-[calc(100vh-6rem)] overflow-y-auto pb-8">
            <DocsToc items={TOC} />
          </div>
        </aside>

        <main className="min-w-0 flex-1 space-y-12 pb-24">
          <div>
            <p className="text-sm font-medium text-brand-700">Advanced API</p>
            <h1 className="mt-1 text-3xl font-bold tracking-tight text-slate-900 sm:text-4xl">Webhooks</h1>
            <p className="mt-3 max-w-3xl text-lg leading-8 text-slate-600">
              Receive real-time notifications when events occur in your account: signed HTTPS requests to your server
              when a conversion is registered, approved or rejected, and when an affiliate applies to a program.
            </p>
            <details className="mt-4 rounded-lg border border-slate-200 lg:hidden">
              <summary className="cursor-pointer px-4 py-2 text-sm font-medium text-slate-700">On this page</summary>
              <ul className="grid gap-1 px-4 pb-3 text-sm sm:grid-cols-2">
                {TOC.map((item) => (
                  <li key={item.id}>
                    <a className="text-brand-700 hover:underline" href={`#${item.id}`}>
                      {item.title}
                    </a>
                  </li>
                ))}
              </ul>
            </details>
          </div>

          <DocSection id="overview" title="Overview">
            <P>
              A <strong>webhook endpoint</strong> is a URL on your server that you register in the dashboard, with the
              events it should receive. When one of those events happens, we send it an HTTP <Code>POST</Code> with a
              JSON body and signature headers. Each event sent to one endpoint is a <strong>delivery</strong>; each
              HTTP request we make for it is an <strong>attempt</strong>. A delivery that fails is retried, and every
              delivery and attempt is kept in the endpoint&apos;s delivery log, where you can replay it.
            </P>
            <List>
              <li>
                Manage endpoints in the dashboard under <Link className="text-brand-700 underline" href="/dashboard/webhooks">Webhooks</Link>{" "}
                (or through <Code>/api/webhooks</Code> with a dashboard session), up to {MAX_WEBHOOKS_PER_ACCOUNT} per account.
              </li>
              <li>
                Your servers call the API at <Code>/api/v1</Code> with an API key — for example to register conversions
                or to send a test event.
              </li>
              <li>
                Machine-readable: the <a className="text-brand-700 underline" href="/api/openapi.json">OpenAPI 3.1 document</a> describes
                every endpoint and, in its <Code>webhooks</Code> section, every event we send.
              </li>
            </List>
          </DocSection>

          <DocSection id="quickstart" title="Quickstart">
            <List ordered>
              <li>
                Create an endpoint in the dashboard (<Link className="text-brand-700 underline" href="/dashboard/webhooks/new">Webhooks → New</Link>)
                with your HTTPS URL and the events you want. Copy the signing secret (<Code>whsec_…</Code>) it shows once.
              </li>
              <li>
                In your handler, read the <strong>raw</strong> request body, verify the signature (<a className="text-brand-700 underline" href="#verifying">below</a>),
                answer <Code>2xx</Code> quickly, then process the event — ideally from a queue.
              </li>
              <li>Create an API key (dashboard → API keys) and send yourself a test event:</li>
            </List>
            <CodeBlock
              label="shell"
              code={`curl -X POST https://<your-partnersmy-host>/api/v1/webhooks/test \\
  -H "Authorization: Bearer $PARTNERSMY_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{}'`}
            />
            <P>
              The answer (<Code>202</Code>) contains the <Code>payload</Code> sent and one delivery per endpoint
              subscribed to <Code>conversion.created</Code>; add <Code>{`{"webhookId": "wh_…"}`}</Code> to target one
              endpoint. Test deliveries are marked <Code>test</Code> in the delivery log. An account may send{" "}
              {defaults.testSendsPerMinute} test events a minute (dashboard and API together); past that the answer is{" "}
              <Code>429 rate_limited</Code> with <Code>Retry-After</Code>.
            </P>
          </DocSection>

          <DocSection id="authentication" title="Authentication" lead="Two kinds of credentials, for two kinds of callers. Each endpoint accepts exactly one.">
            <Table
              caption="Authentication by endpoint family"
              head={["Endpoints", "Credential", "How"]}
              rows={[
                [
                  <Code key="a">/api/webhooks/**, /api/api-keys</Code>,
                  "Dashboard session",
                  <span key="c">
                    The session cookie set when you sign in to the dashboard. Webhook management is done there. An API
                    key on these endpoints is refused with <Code>401</Code>, and mutating requests from another site
                    with <Code>403</Code>.
                  </span>,
                ],
                [
                  <Code key="a">/api/v1/**</Code>,
                  "API key",
                  <span key="c">
                    <Code>Authorization: Bearer &lt;key&gt;</Code> or <Code>X-API-Key: &lt;key&gt;</Code>. Keys are
                    created and revoked in the dashboard; a revoked key stops working at once. A session cookie alone is
                    refused with <Code>401</Code>. Limit: {defaults.apiKeyPerMinute} requests a minute per key.
                  </span>,
                ],
                [<Code key="a">/api/signup, /api/health, /api/openapi.json</Code>, "None", "Public."],
              ]}
            />
            <CodeBlock
              label="shell"
              code={`curl https://<your-partnersmy-host>/api/v1/programs -H "Authorization: Bearer $PARTNERSMY_API_KEY"
# or
curl https://<your-partnersmy-host>/api/v1/programs -H "X-API-Key: $PARTNERSMY_API_KEY"`}
            />
            <Callout title="Two different secrets" tone="warn">
              Your <strong>API key</strong> authenticates your calls to us. Each endpoint&apos;s <strong>signing secret</strong>{" "}
              (<Code>whsec_…</Code>) lets you check that a delivery came from us. Verify deliveries with the endpoint&apos;s
              signing secret, never with an API key.
            </Callout>
          </DocSection>

          <DocSection
            id="events"
            title="Events"
            lead={`${EVENT_TYPES.length} event types. Every body has the same envelope: {"event", "data": {"id", "type", "amount", "status", …}, "timestamp"}.`}
          >
            <P>
              <Code>data</Code> always has <Code>id</Code>, <Code>type</Code>, <Code>amount</Code> (minor units, e.g.{" "}
              <Code>4999</Code> for 49.99; <Code>null</Code> for partnerships) and <Code>status</Code>. More fields may be
              added at any time: ignore those you do not know. <Code>timestamp</Code> is when the event happened (ISO
              8601, UTC). Both sides of a conversion or partnership are told: each of the advertiser&apos;s and the
              affiliate&apos;s endpoints subscribed to the event gets its own delivery.
            </P>
            <EventCatalogue />
          </DocSection>

          <DocSection id="delivery" title="The delivery request" lead="One HTTP POST per attempt. This is a conversion.created delivery exactly as sent, signed with a sample secret.">
            <CodeBlock label="HTTP request" testId="delivery-request" code={httpRequest(example.headers, example.body)} />
            <P className="text-sm text-slate-500">
              Sample secret: <Code>{SAMPLE_SECRET}</Code> — the signatures above are real HMACs of this body with it, so
              you can test your verification code against this request (pass a fixed &quot;now&quot; — its timestamp is in the past).
            </P>
            <Table
              caption="Delivery headers" testId="delivery-headers"
              head={["Header", "Example", "Meaning"]}
              rows={DELIVERY_HEADER_DOCS.map((h) => [
                <Code key="n" className="whitespace-nowrap">
                  {h.name}
                </Code>,
                <span key="e" className="font-mono text-xs break-all text-slate-600">
                  {exampleHeaderValue(h.name)}
                </span>,
                <InlineText key="d" text={h.description} />,
              ])}
            />
            <Callout title="Verify the raw bytes">
              The signature covers the body exactly as sent. Verify before parsing, and never re-serialise the JSON to
              verify it: key order and spacing would change.
            </Callout>
          </DocSection>

          <DocSection id="verifying" title="Verifying signatures">
            <P>
              Each delivery carries two independent signatures; check either. Both are HMAC-SHA256, both include the
              timestamp so an old request cannot be replayed, and both list one signature per valid secret while a
              rotation is in its grace period — accept the request when <strong>any</strong> of them matches.
            </P>
            <List>
              <li>
                <Code>X-Webhook-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;[,v1=&lt;hex&gt;…]</Code> — HMAC of{" "}
                <Code>&lt;t&gt;.&lt;raw body&gt;</Code> keyed with the secret string as shown (<Code>whsec_…</Code>, as UTF-8 bytes).
              </li>
              <li>
                <a className="text-brand-700 underline" href="https://www.standardwebhooks.com/" rel="noreferrer" target="_blank">
                  Standard Webhooks
                </a>
                : <Code>webhook-signature: v1,&lt;base64&gt;[ v1,&lt;base64&gt;…]</Code> — HMAC of{" "}
                <Code>&lt;webhook-id&gt;.&lt;webhook-timestamp&gt;.&lt;raw body&gt;</Code> keyed with the base64-decoded part after{" "}
                <Code>whsec_</Code>. The official libraries verify it as they are.
              </li>
              <li>
                <strong>Timestamp tolerance:</strong> refuse a request whose timestamp is more than{" "}
                {SIGNATURE_TOLERANCE_SECONDS / 60} minutes ({SIGNATURE_TOLERANCE_SECONDS} s) from your clock. Each retry is
                signed afresh with a new timestamp, so retries pass.
              </li>
              <li>Compare signatures in constant time (<Code>timingSafeEqual</Code>, <Code>hmac.compare_digest</Code>, <Code>hash_equals</Code>, <Code>hmac.Equal</Code>).</li>
            </List>
            <VerifySignatures />
            <H3>During a rotation: several signatures</H3>
            <P>The same delivery signed with a new and an old secret (newest first): each header carries two signatures.</P>
            <CodeBlock
              label="headers during a rotation grace period"
              testId="rotation-headers"
              code={`X-Webhook-Signature: ${rotating.headers["x-webhook-signature"]}\nwebhook-signature: ${rotating.headers["webhook-signature"]}`}
            />
          </DocSection>

          <DocSection id="responding" title="Responding and retries">
            <List>
              <li>
                <strong>Success</strong> is any <Code>2xx</Code> status within {defaults.timeoutMs / 1000} seconds. Answer
                first, then do the work: a slow handler times out and gets the event again. The response body is
                ignored (its first 16 KiB are kept in the delivery log).
              </li>
              <li>
                Two shorter deadlines inside that: the connection (DNS, TCP and TLS) must be open within{" "}
                {defaults.connectTimeoutMs / 1000} seconds, and your answer&apos;s status line and headers must arrive
                within {defaults.firstByteTimeoutMs / 1000} seconds of it — send the status first, then the body.
              </li>
              <li>
                <strong>Redirects are not followed</strong>: a <Code>3xx</Code> is a failure. Register the final URL.
              </li>
              <li>
                Anything else — another status, a timeout, a connection or TLS error — is a failure, and the delivery is
                retried: {defaults.attempts} attempts in all ({defaults.retryDelaysMs.length} retries), with exponential
                backoff and ±{defaults.jitterPercent}% jitter so that retries of many deliveries spread out.
              </li>
              <li>
                <Code>429</Code> or <Code>503</Code> with a <Code>Retry-After</Code> header (seconds or an HTTP date): the
                next attempt waits at least that long, up to {formatDelay(defaults.maxRetryAfterMs)}.
              </li>
              <li>
                <Code>410 Gone</Code>: the endpoint is disabled at once and not called again until you re-enable it.
              </li>
            </List>
            <Table
              caption="Default retry schedule" testId="retry-schedule"
              head={["Attempt", "Sent", "About this long after the event"]}
              rows={schedule.map((row) => [
                row.attempt,
                row.attempt === 1 ? "immediately" : `${formatDelay(row.delay)} after attempt ${row.attempt - 1} (±${defaults.jitterPercent}%)`,
                row.attempt === 1 ? "0" : formatDelay(row.elapsed),
              ])}
            />
            <P className="text-sm text-slate-500">
              These are the defaults; the operator of a deployment can change them (<Code>WEBHOOK_RETRY_DELAYS_MS</Code>,{" "}
              <Code>WEBHOOK_TIMEOUT_MS</Code>, <Code>WEBHOOK_CONNECT_TIMEOUT_MS</Code>,{" "}
              <Code>WEBHOOK_FIRST_BYTE_TIMEOUT_MS</Code>). After the last attempt fails, the delivery is <Code>failed</Code>; you
              can still replay it.
            </P>
          </DocSection>

          <DocSection id="disabling" title="Failing and disabled endpoints">
            <P>
              A delivery that exhausts all its attempts makes its endpoint <strong>failing</strong> (<Code>failingSince</Code>{" "}
              and <Code>lastError</Code> in <Code>GET /api/webhooks</Code>, a banner in the dashboard). Any successful delivery
              ends that: the endpoint has <strong>recovered</strong>. An endpoint is disabled automatically only when every
              delivery to it has failed for {describeDuration(defaults.disableAfterMs)} in a row (<Code>disablesAt</Code> says
              when), or at once when it answers <Code>410 Gone</Code>. You can also disable it yourself. The reason is in{" "}
              <Code>disabledReason</Code>.
            </P>
            <P>
              You hear of each change once: the account&apos;s users get a mail when an endpoint starts failing, when it is
              halfway to being disabled, when it is disabled and when it recovers, with the last error and a link to the
              endpoint; and your other endpoints subscribed to <Code>endpoint.failing</Code>, <Code>endpoint.disabled</Code>{" "}
              or <Code>endpoint.recovered</Code> receive those events (never the endpoint they are about) — see the event
              catalogue.
            </P>
            <P>
              Events that happen while an endpoint is disabled are <strong>not lost</strong>: their deliveries are held
              (<Code>heldDeliveries</Code> in <Code>GET /api/webhooks/{"{id}"}</Code>). Re-enabling the endpoint (<Code>PATCH</Code>{" "}
              with <Code>{`{"enabled": true}`}</Code>) sends them; add <Code>{`"discardHeld": true`}</Code> to mark them
              failed instead — they can still be replayed later.
            </P>
            <P className="text-sm text-slate-500">
              The window is the operator&apos;s <Code>WEBHOOK_DISABLE_AFTER</Code> (default {describeDuration(defaults.disableAfterMs)});
              mail goes out through <Code>SMTP_URL</Code> from <Code>EMAIL_FROM</Code>.
            </P>
          </DocSection>

          <DocSection id="rotation" title="Rotating the secret">
            <P>
              <Code>PUT /api/webhooks/{"{id}"}/rotate-secret</Code> (or Rotate secret in the dashboard) returns a new
              secret and keeps the old one valid for a grace period: <Code>gracePeriodSeconds</Code>, default{" "}
              {formatSeconds(DEFAULT_GRACE_PERIOD_SECONDS)}, at most {formatSeconds(MAX_GRACE_PERIOD_SECONDS)}, or 0 to
              drop the old secret at once. Until <Code>previousSecretExpiresAt</Code> every delivery is signed with both
              (newest first), so no delivery is missed:
            </P>
            <List ordered>
              <li>Rotate, and store the new secret next to the old one.</li>
              <li>Deploy verification that accepts a request when either secret matches (any signature, as above).</li>
              <li>After the grace period, remove the old secret.</li>
            </List>
            <P>
              <strong>At most two secrets are valid at any time</strong>: the new one and the one it replaces. Rotating
              again during a grace period ends the older previous secret at once (the answer&apos;s{" "}
              <Code>endedPreviousSecrets</Code> says how many it ended), so finish one rotation before starting the next.
              An endpoint&apos;s secret can be rotated {defaults.rotationsPerHour} times an hour; past that the answer is{" "}
              <Code>429 rate_limited</Code> with <Code>Retry-After</Code>.
            </P>
          </DocSection>

          <DocSection id="replay" title="Replay and bulk retry">
            <List>
              <li>
                <Code>GET /api/webhooks/{"{id}"}/deliveries?status=&amp;event=&amp;limit=&amp;cursor=</Code> — the delivery
                log, newest first, with each attempt&apos;s status, duration, error and response excerpt.
              </li>
              <li>
                <Code>POST /api/webhooks/{"{deliveryId}"}/replay</Code> — the same delivery is sent again with a fresh set
                of {defaults.attempts} attempts: same body, same <Code>webhook-id</Code>. Its earlier attempts stay in its
                history and attempt numbers continue.
              </li>
              <li>
                <Code>POST /api/webhooks/retry-failed</Code> with <Code>{`{"webhookId"?, "since"?, "until"?}`}</Code> —
                every failed delivery of your account (optionally of one endpoint, created in a time window) is replayed;
                the answer says how many.
              </li>
            </List>
          </DocSection>

          <EndpointOptionsSection />

          <DocSection id="idempotency" title="Idempotency">
            <H3>Receiving: deduplicate on webhook-id</H3>
            <P>
              Delivery is <strong>at least once</strong>: a timeout after you processed a request, a retry, or a replay
              can bring the same event again. <Code>webhook-id</Code> (equal to <Code>X-Webhook-Delivery</Code>) is the
              same on every retry and replay of an event to an endpoint: record the ids you have processed and skip
              repeats. <Code>X-Webhook-Attempt</Code> tells which attempt this is. Deliveries may arrive out of order;
              use <Code>timestamp</Code> and <Code>data.status</Code> rather than arrival order.
            </P>
            <CodeBlock
              label="Node.js — skip a delivery already handled"
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
            <H3>Sending: Idempotency-Key</H3>
            <P>
              <Code>POST /api/v1/conversions</Code> honours an <Code>Idempotency-Key</Code> header (1–255 printable
              characters; a UUID is a good choice). Retrying with the same key and the same body returns the first
              response, with <Code>Idempotent-Replayed: true</Code>, and registers nothing and emits nothing new. The same
              key with a different body is refused with <Code>422</Code>. Requests that failed are not stored, so you can
              retry them as they are.
            </P>
            <CodeBlock
              label="shell"
              code={`curl -X POST https://<your-partnersmy-host>/api/v1/conversions \\
  -H "Authorization: Bearer $PARTNERSMY_API_KEY" \\
  -H "Idempotency-Key: 5f0c9a52-3b4e-4f7a-9a53-0b8d3f2c1e77" \\
  -H "Content-Type: application/json" \\
  -d '{"programId":"prg_8d1f3h5j7k9l2z4x6c8v","affiliateId":"acct_9z8y7x6w5v4u3t2s1r0q","amount":4999,"externalId":"order-10293"}'`}
            />
          </DocSection>

          <DocSection id="endpoint-urls" title="Endpoint URLs">
            <List>
              <li>An absolute <Code>https://</Code> URL (plain <Code>http://</Code> only on development deployments), without a username or password in it.</li>
              <li>
                We refuse to call private, loopback, link-local, unique-local, carrier-grade NAT, multicast, reserved and
                cloud metadata addresses (such as <Code>169.254.169.254</Code>). An address or internal host name (such as{" "}
                <Code>localhost</Code>) in the URL is refused when you save the endpoint. Host names are resolved again at
                every attempt and we connect only to an address that passed the check, so a DNS change cannot point us at
                an internal network; a refused attempt is logged as a failure with the reason.
              </li>
              <li>Redirects are not followed, so a public URL cannot forward us to a private one either.</li>
            </List>
          </DocSection>

          <DocSection id="errors" title="Errors" lead="Every JSON endpoint answers errors with one envelope and a stable code.">
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
              caption="Error codes" testId="error-codes"
              head={["Status", "code", "When"]}
              rows={ERROR_CODES.map((code) => [
                <span key="s" className="font-mono">{ERROR_STATUS[code]}</span>,
                <Code key="c">{code}</Code>,
                ERROR_DESCRIPTIONS[code],
              ])}
            />
            <P>
              A resource of another account is <Code>404</Code>, never <Code>403</Code>. Branch on <Code>code</Code>, not
              on <Code>message</Code>; <Code>429</Code> comes with <Code>Retry-After</Code>.
            </P>
          </DocSection>

          <DocSection
            id="api-reference"
            title="API reference"
            lead="Every endpoint, generated from the same route list and request schemas as the OpenAPI document. Click one for its fields and responses."
          >
            <p className="text-sm">
              <a className="font-medium text-brand-700 underline" href="/api/openapi.json">
                /api/openapi.json
              </a>{" "}
              <span className="text-slate-500">— OpenAPI {doc.openapi}: import it into Postman, Insomnia or a client generator.</span>
            </p>
            <ApiReference tags={doc.tags ?? []} paths={doc.paths ?? {}} schemas={doc.components?.schemas ?? {}} />
          </DocSection>
        </main>
      </div>
    </div>
  );
}
