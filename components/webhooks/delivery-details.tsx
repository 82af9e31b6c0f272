"use client";

import { Badge, CopyButton, DateTime } from "@/components/ui";
import { formatDuration, formatRelative, prettyJson } from "./format";
import type { Delivery, DeliveryAttempt } from "./types";

/** An opened delivery: its attempt timeline, then exactly what was sent (headers and body). */
export function DeliveryDetails({ delivery }: { delivery: Delivery }) {
  const latest = delivery.attempts[delivery.attempts.length - 1];
  const body = delivery.payload === undefined ? null : prettyJson(delivery.payload);
  return (
    <div className="space-y-6">
      <section aria-label="Attempts">
        <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Attempts</h4>
        {delivery.attempts.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">
            {delivery.lastError ?? (delivery.status === "pending" ? "Not attempted yet — queued for sending." : "No attempts were made.")}
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
            Next attempt {formatRelative(delivery.nextAttemptAt)} (<DateTime value={delivery.nextAttemptAt} />).
          </p>
        ) : null}
        {delivery.lastError && delivery.attempts.length > 0 ? <p className="mt-3 text-sm text-slate-600">{delivery.lastError}</p> : null}
      </section>

      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="text-slate-500">Delivery ID (webhook-id)</dt>
        <dd className="break-all font-mono text-slate-800">{delivery.id}</dd>
        <dt className="text-slate-500">Event ID</dt>
        <dd className="break-all font-mono text-slate-800">{delivery.eventId}</dd>
        <dt className="text-slate-500">Created</dt>
        <dd className="text-slate-800">
          <DateTime value={delivery.createdAt} />
        </dd>
      </dl>

      {latest?.requestHeaders ? (
        <section aria-label="Request headers">
          <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
            Request headers <span className="font-normal normal-case">(attempt {latest.number})</span>
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
        <section aria-label="Request body">
          <div className="flex items-center justify-between gap-2">
            <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Request body</h4>
            <CopyButton value={body} label="Copy body" variant="ghost" />
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
  return (
    <li className="relative flex gap-3 pb-4" data-testid="attempt">
      <div className="flex flex-col items-center" aria-hidden="true">
        <span className={`mt-1.5 h-2.5 w-2.5 rounded-full ${ok ? "bg-green-500" : "bg-red-500"}`} />
        {!last ? <span className="mt-1 w-px flex-1 bg-slate-200" /> : null}
      </div>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
          <span className="font-medium text-slate-900">Attempt {attempt.number}</span>
          <Badge tone={ok ? "green" : "red"}>{attempt.statusCode !== null ? `HTTP ${attempt.statusCode}` : "No response"}</Badge>
          <span className="text-slate-600 tabular-nums">{formatDuration(attempt.durationMs)}</span>
          <span className="text-slate-500">
            <DateTime value={attempt.startedAt} />
          </span>
        </div>
        {attempt.error ? <p className="mt-1 text-sm text-red-700">{attempt.error}</p> : null}
        {attempt.responseBodyExcerpt ? (
          <pre className="mt-2 max-h-40 overflow-auto rounded-md border border-slate-200 bg-slate-50 p-2 font-mono text-xs whitespace-pre-wrap break-all text-slate-800">
            {attempt.responseBodyExcerpt}
          </pre>
        ) : null}
      </div>
    </li>
  );
}
