"use client";

import { useLocale, useTranslations } from "next-intl";
import { Badge, CopyButton, DateTime } from "@/components/ui";
import { formatMoney } from "@/i18n/format";
import { prettyJson, useDisplayFormat } from "./format";
import { useCauseText } from "./use-cause-text";
import type { Delivery, DeliveryAttempt } from "./types";

/** An opened delivery: its attempt timeline, then exactly what was sent (headers and body). */
export function DeliveryDetails({ delivery }: { delivery: Delivery }) {
  const latest = delivery.attempts[delivery.attempts.length - 1];
  const body = delivery.payload === undefined ? null : prettyJson(delivery.payload);
  const t = useTranslations("webhooks.details");
  const fmt = useDisplayFormat();
  const locale = useLocale();
  const money = amountOf(delivery.payload);
  const cause = useCauseText();
  const lastError = delivery.lastError || delivery.lastErrorCause ? cause("failure", delivery.lastErrorCause, delivery.lastError) : null;
  return (
    <div className="space-y-6">
      <section aria-label={t("attempts")}>
        <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{t("attempts")}</h4>
        {delivery.attempts.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">
            {lastError ?? (delivery.status === "pending" ? t("queued") : t("noAttempts"))}
          </p>
        ) : (
          <ol className="mt-3 space-y-0">
            {delivery.attempts.map((a, i) => (
              <AttemptItem key={a.number} attempt={a} last={i === delivery.attempts.length - 1} />
            ))}
          </ol>
        )}
        {delivery.status === "pending" && delivery.nextAttemptAt && delivery.attempts.length > 0 ? (
          <p className="mt-3 text-sm text-amber-800">
            {t.rich("nextAttempt", { when: fmt.relative(delivery.nextAttemptAt), date: () => <DateTime value={delivery.nextAttemptAt} /> })}
          </p>
        ) : null}
        {lastError && delivery.attempts.length > 0 ? <p className="mt-3 text-sm text-slate-600">{lastError}</p> : null}
      </section>

      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="text-slate-500">{t("deliveryId")}</dt>
        <dd className="break-all font-mono text-slate-800">{delivery.id}</dd>
        <dt className="text-slate-500">{t("eventId")}</dt>
        <dd className="break-all font-mono text-slate-800">{delivery.eventId}</dd>
        <dt className="text-slate-500">{t("created")}</dt>
        <dd className="text-slate-800">
          <DateTime value={delivery.createdAt} />
        </dd>
        {money ? (
          <>
            <dt className="text-slate-500">{t("amount")}</dt>
            <dd className="text-slate-800 tabular-nums">{formatMoney(money.amount, money.currency, locale)}</dd>
          </>
        ) : null}
      </dl>

      {latest?.requestHeaders ? (
        <section aria-label={t("requestHeaders")}>
          <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
            {t("requestHeaders")} <span className="font-normal normal-case">{t("ofAttempt", { number: latest.number })}</span>
          </h4>
          <div className="mt-2 overflow-x-auto rounded-md border border-slate-200 bg-slate-50">
            <table className="w-full text-left font-mono text-xs">
              <tbody className="divide-y divide-slate-200">
                {Object.entries(latest.requestHeaders).map(([name, value]) => (
                  <tr key={name}>
                    <th scope="row" className="py-1.5 pr-3 pl-3 align-top font-medium whitespace-nowrap text-slate-600">
                      {name}
                    </th>
                    <td className="py-1.5 pr-3 break-all text-slate-900">{value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {body !== null ? (
        <section aria-label={t("requestBody")}>
          <div className="flex items-center justify-between gap-2">
            <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{t("requestBody")}</h4>
            <CopyButton value={body} label={t("copyBody")} variant="ghost" />
          </div>
          <pre className="mt-2 max-h-80 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100">
            <code>{body}</code>
          </pre>
        </section>
      ) : null}
    </div>
  );
}

function AttemptItem({ attempt, last }: { attempt: DeliveryAttempt; last: boolean }) {
  const ok = attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300;
  const t = useTranslations("webhooks.details");
  const fmt = useDisplayFormat();
  const cause = useCauseText();
  return (
    <li className="relative flex gap-3 pb-4" data-testid="attempt">
      <div className="flex flex-col items-center" aria-hidden="true">
        <span className={`mt-1.5 h-2.5 w-2.5 rounded-full ${ok ? "bg-green-500" : "bg-red-500"}`} />
        {!last ? <span className="mt-1 w-px flex-1 bg-slate-200" /> : null}
      </div>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
          <span className="font-medium text-slate-900">{t("attempt", { number: attempt.number })}</span>
          <Badge tone={ok ? "green" : "red"}>{attempt.statusCode !== null ? `HTTP ${attempt.statusCode}` : t("noResponse")}</Badge>
          <span className="text-slate-600 tabular-nums">{fmt.duration(attempt.durationMs)}</span>
          <span className="text-slate-500">
            <DateTime value={attempt.startedAt} />
          </span>
        </div>
        {attempt.error || attempt.errorCause ? (
          <p className="mt-1 text-sm text-red-700" data-testid="attempt-error">
            {cause("failure", attempt.errorCause, attempt.error)}
          </p>
        ) : null}
        {attempt.responseBodyExcerpt ? (
          <pre className="mt-2 max-h-40 overflow-auto rounded-md border border-slate-200 bg-slate-50 p-2 font-mono text-xs whitespace-pre-wrap break-all text-slate-800">
            {attempt.responseBodyExcerpt}
          </pre>
        ) : null}
      </div>
    </li>
  );
}

/** The conversion's amount (minor units + ISO currency) when the payload carries one. */
function amountOf(payload: unknown): { amount: number; currency: string } | null {
  let body = payload;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      return null;
    }
  }
  const data = isRecord(body) && isRecord(body.data) ? body.data : null;
  if (!data || typeof data.amount !== "number" || !Number.isSafeInteger(data.amount)) return null;
  return typeof data.currency === "string" && /^[A-Z]{3}$/.test(data.currency) ? { amount: data.amount, currency: data.currency } : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
