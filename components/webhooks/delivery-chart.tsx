"use client";

import { useLocale, useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Alert, Card, CardHeader, Spinner } from "@/components/ui";
import { useErrorMessage } from "@/i18n/error-messages";
import { useDisplayFormat } from "./format";
import { useWebhookStats } from "./queries";
import type { StatsBucket, WebhookTimeline } from "./types";
import { useElementWidth } from "./use-element-width";

const RANGES = [24, 168, 720] as const;

const COLORS = { succeeded: "#16a34a", failed: "#dc2626", pending: "#fbbf24", p50: "#2f6fed", p95: "#f59e0b", grid: "#e2e8f0", axis: "#64748b" };
const MARGIN = { top: 12, right: 12, bottom: 26, left: 44 };

/** Deliveries per bucket (succeeded vs failed, stacked) and latency (p50/p95), in plain SVG. */
export function DeliveryChart({ webhookId }: { webhookId: string }) {
  const [hours, setHours] = useState<number>(24);
  const stats = useWebhookStats(webhookId, hours);
  const selectId = useId();
  const t = useTranslations("webhooks.chart");
  const errorMessage = useErrorMessage();

  return (
    <Card>
      <CardHeader
        title={t("title")}
        description={t("description")}
        actions={
          <div className="flex items-center gap-2">
            <label htmlFor={selectId} className="text-sm text-slate-600">
              {t("range")}
            </label>
            <select
              id={selectId}
              value={hours}
              onChange={(e) => setHours(Number(e.currentTarget.value))}
              className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100"
            >
              {RANGES.map((h) => (
                <option key={h} value={h}>
                  {t("past", { hours: h, days: h / 24 })}
                </option>
              ))}
            </select>
          </div>
        }
      />
      <div className="px-4 py-4 sm:px-6">
        {stats.isPending ? (
          <div className="flex h-48 items-center justify-center">
            <Spinner label={t("loading")} />
          </div>
        ) : stats.isError ? (
          <Alert tone="error" title={t("loadFailed")}>
            {errorMessage(stats.error)}
          </Alert>
        ) : (
          <Charts timeline={stats.data} />
        )}
      </div>
    </Card>
  );
}

function Charts({ timeline }: { timeline: WebhookTimeline }) {
  const { buckets, hours, bucketSeconds } = timeline;
  const [ref, width] = useElementWidth<HTMLElement>();
  const t = useTranslations("webhooks.chart");
  const fmt = useDisplayFormat();
  const per = t("per", { hours: bucketSeconds / 3_600, minutes: Math.round(bucketSeconds / 60), unit: bucketUnit(bucketSeconds) });
  const period = t("period", { hours, days: hours / 24 });
  const pending = sum(buckets, (b) => b.pending);
  const succeeded = sum(buckets, (b) => b.succeeded);
  const failed = sum(buckets, (b) => b.failed);
  const total = succeeded + failed;
  const p50s = buckets.map((b) => b.p50DurationMs).filter((v): v is number => v !== null);
  const p95s = buckets.map((b) => b.p95DurationMs).filter((v): v is number => v !== null);
  const summary =
    total === 0
      ? t("summaryNone", { period, pending })
      : t("summary", { period, succeeded, failed, rate: fmt.percent(succeeded / total), pending }) +
        (p50s.length ? ` ${t("summaryLatency", { median: fmt.duration(median(p50s)), p95: fmt.duration(Math.max(...p95s)) })}` : "");

  return (
    <figure ref={ref} className="space-y-4" data-testid="delivery-chart">
      <figcaption className="text-sm text-slate-700">{summary}</figcaption>
      <ChartTitle
        title={t("deliveriesPer", { per })}
        items={[
          [t("succeeded"), COLORS.succeeded, "bar"],
          [t("failed"), COLORS.failed, "bar"],
          ...(pending ? [[t("pending"), COLORS.pending, "bar"] as LegendItem] : []),
        ]}
      />
      <BarsChart buckets={buckets} width={width} hours={hours} label={`${t("deliveriesPer", { per })}. ${summary}`} />
      <ChartTitle title={t("latencyPer", { per })} items={[[t("p50"), COLORS.p50, "line"], ["p95", COLORS.p95, "line"]]} />
      <LatencyChart buckets={buckets} width={width} hours={hours} per={per} />
      <DataTable buckets={buckets} per={per} />
    </figure>
  );
}

type LegendItem = [string, string, "bar" | "line"];

function ChartTitle({ title, items }: { title: string; items: LegendItem[] }) {
  return (
    <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 pt-2" aria-hidden="true">
      <p className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{title}</p>
      <Legend items={items} />
    </div>
  );
}

function Legend({ items }: { items: LegendItem[] }) {
  return (
    <ul className="flex flex-wrap gap-4 text-xs text-slate-600">
      {items.map(([label, color, shape]) => (
        <li key={label} className="flex items-center gap-1.5">
          <span
            className={shape === "bar" ? "h-2.5 w-2.5 rounded-sm" : "h-0.5 w-4 rounded"}
            style={{ backgroundColor: color }}
          />
          {label}
        </li>
      ))}
    </ul>
  );
}

interface Frame {
  width: number;
  height: number;
  plotW: number;
  plotH: number;
  x: (i: number) => number;
  band: number;
}

function frame(width: number, height: number, n: number): Frame {
  const plotW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const band = plotW / Math.max(1, n);
  return { width, height, plotW, plotH, band, x: (i) => MARGIN.left + i * band };
}

function BarsChart({ buckets, width, hours, label }: { buckets: StatsBucket[]; width: number; hours: number; label: string }) {
  const t = useTranslations("webhooks.chart");
  const locale = useLocale();
  const fmt = useDisplayFormat();
  const f = frame(width, 180, buckets.length);
  const max = niceMax(Math.max(1, ...buckets.map((b) => b.succeeded + b.failed + b.pending)));
  const y = (v: number) => MARGIN.top + f.plotH - (v / max) * f.plotH;
  const gap = f.band > 6 ? Math.min(4, f.band * 0.2) : 0.5;
  return (
    <svg width={f.width} height={f.height} role="img" aria-label={label} className="block max-w-full overflow-visible">
      <YAxis frame={f} ticks={countTicks(max)} y={y} format={(v) => fmt.count(v)} />
      {buckets.map((b, i) => {
        const x = f.x(i) + gap / 2;
        const w = Math.max(1, f.band - gap);
        return (
          <g key={b.bucketStart}>
            <title>{t("barTitle", { bucket: formatBucket(b.bucketStart, hours, locale), succeeded: b.succeeded, failed: b.failed, pending: b.pending })}</title>
            <rect x={x} width={w} y={y(b.succeeded)} height={y(0) - y(b.succeeded)} fill={COLORS.succeeded} />
            <rect x={x} width={w} y={y(b.succeeded + b.failed)} height={y(0) - y(b.failed)} fill={COLORS.failed} />
            <rect x={x} width={w} y={y(b.succeeded + b.failed + b.pending)} height={y(0) - y(b.pending)} fill={COLORS.pending} />
          </g>
        );
      })}
      <XAxis frame={f} buckets={buckets} hours={hours} />
    </svg>
  );
}

function LatencyChart({ buckets, width, hours, per }: { buckets: StatsBucket[]; width: number; hours: number; per: string }) {
  const t = useTranslations("webhooks.chart");
  const fmt = useDisplayFormat();
  const f = frame(width, 140, buckets.length);
  const max = niceMax(Math.max(10, ...buckets.map((b) => b.p95DurationMs ?? b.p50DurationMs ?? 0)));
  const y = (v: number) => MARGIN.top + f.plotH - (v / max) * f.plotH;
  const line = (pick: (b: StatsBucket) => number | null) => {
    let d = "";
    let pen = false;
    buckets.forEach((b, i) => {
      const v = pick(b);
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${(f.x(i) + f.band / 2).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  const dots = (pick: (b: StatsBucket) => number | null, color: string) =>
    buckets.map((b, i) => {
      const v = pick(b);
      return v === null ? null : <circle key={b.bucketStart} cx={f.x(i) + f.band / 2} cy={y(v)} r={2.5} fill={color} />;
    });
  const hasData = buckets.some((b) => b.p50DurationMs !== null);
  return (
    <svg
      width={f.width}
      height={f.height}
      role="img"
      aria-label={hasData ? t("latencyLabel", { per }) : t("latencyNone")}
      className="block max-w-full overflow-visible"
    >
      <YAxis frame={f} ticks={ticks(max)} y={y} format={(v) => fmt.duration(v)} />
      <path d={line((b) => b.p95DurationMs)} fill="none" stroke={COLORS.p95} strokeWidth={2} strokeLinejoin="round" />
      <path d={line((b) => b.p50DurationMs)} fill="none" stroke={COLORS.p50} strokeWidth={2} strokeLinejoin="round" />
      {dots((b) => b.p95DurationMs, COLORS.p95)}
      {dots((b) => b.p50DurationMs, COLORS.p50)}
      {!hasData ? (
        <text x={MARGIN.left + f.plotW / 2} y={MARGIN.top + f.plotH / 2} textAnchor="middle" fontSize={12} fill={COLORS.axis}>
          {t("latencyEmpty")}
        </text>
      ) : null}
      <XAxis frame={f} buckets={buckets} hours={hours} />
    </svg>
  );
}

function YAxis({
  frame: f,
  ticks: values,
  y,
  format,
}: {
  frame: Frame;
  ticks: number[];
  y: (v: number) => number;
  format: (v: number) => string;
}) {
  return (
    <g aria-hidden="true">
      {values.map((v) => (
        <g key={v}>
          <line x1={MARGIN.left} x2={MARGIN.left + f.plotW} y1={y(v)} y2={y(v)} stroke={COLORS.grid} strokeDasharray={v === 0 ? undefined : "3 3"} />
          <text x={MARGIN.left - 6} y={y(v)} dy="0.32em" textAnchor="end" fontSize={11} fill={COLORS.axis}>
            {format(v)}
          </text>
        </g>
      ))}
    </g>
  );
}

function XAxis({ frame: f, buckets, hours }: { frame: Frame; buckets: StatsBucket[]; hours: number }) {
  const locale = useLocale();
  // About one label per 80 px, aligned to whole bucket steps.
  const every = Math.max(1, Math.ceil(buckets.length / Math.max(2, Math.floor(f.plotW / 80))));
  return (
    <g aria-hidden="true">
      {buckets.map((b, i) =>
        i % every === 0 ? (
          <text key={b.bucketStart} x={f.x(i) + f.band / 2} y={f.height - 8} textAnchor="middle" fontSize={11} fill={COLORS.axis}>
            {formatTick(b.bucketStart, hours, locale)}
          </text>
        ) : null,
      )}
    </g>
  );
}

/** The numbers behind the chart, for screen readers. */
function DataTable({ buckets, per }: { buckets: StatsBucket[]; per: string }) {
  const shown = buckets.filter((b) => b.succeeded + b.failed + b.pending > 0);
  const t = useTranslations("webhooks.chart");
  const locale = useLocale();
  const fmt = useDisplayFormat();
  // sr-only on the wrapper: a table itself does not clip its cells, and would widen the page.
  return (
    <div className="sr-only">
      <table>
        <caption>{t("tableCaption", { per })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("starting")}</th>
            <th scope="col">{t("succeeded")}</th>
            <th scope="col">{t("failed")}</th>
            <th scope="col">{t("pending")}</th>
            <th scope="col">{t("p50Latency")}</th>
            <th scope="col">{t("p95Latency")}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((b) => (
            <tr key={b.bucketStart}>
              <th scope="row">{formatBucket(b.bucketStart, 168, locale)}</th>
              <td>{fmt.count(b.succeeded)}</td>
              <td>{fmt.count(b.failed)}</td>
              <td>{fmt.count(b.pending)}</td>
              <td>{fmt.duration(b.p50DurationMs)}</td>
              <td>{fmt.duration(b.p95DurationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Which wording of "per …" a bucket size takes (the message `per` picks it). */
function bucketUnit(seconds: number): "hour" | "day" | "hours" | "minutes" {
  if (seconds === 3_600) return "hour";
  if (seconds === 86_400) return "day";
  return seconds % 3_600 === 0 ? "hours" : "minutes";
}

// Times on the axes in the page's language and the reader's time zone (see components/ui/date-time.tsx).
function formatTick(iso: string, hours: number, locale: string): string {
  const d = new Date(iso);
  return hours > 48
    ? d.toLocaleDateString(locale, { weekday: "short", day: "numeric" })
    : d.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
}

function formatBucket(iso: string, hours: number, locale: string): string {
  const d = new Date(iso);
  return hours > 48
    ? d.toLocaleString(locale, { weekday: "short", day: "numeric", hour: "2-digit", minute: "2-digit" })
    : d.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
}

function sum<T>(list: T[], pick: (t: T) => number) {
  return list.reduce((acc, t) => acc + pick(t), 0);
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The next "round" number ≥ v (1, 2, 5 × 10^n), so the axis ends on a readable tick. */
function niceMax(v: number) {
  const exp = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (m * exp >= v) return m * exp;
  return 10 * exp;
}

/** Whole-number ticks: every one up to 5, else 0, half and the top (niceMax keeps those whole). */
function countTicks(max: number) {
  return max <= 5 ? Array.from({ length: max + 1 }, (_, i) => i) : [0, max / 2, max];
}

function ticks(max: number) {
  return [0, max / 2, max].map((v) => (Number.isInteger(v) ? v : Number(v.toFixed(1))));
}
