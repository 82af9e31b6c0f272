import {
  DISABLE_REASONS,
  type DisableReasonCode,
  type FailureCauseCode,
  type StoredCause,
} from "@/lib/webhooks/failure-causes";
import type { Locale } from "./locales";

// How a stored cause (lib/webhooks/failure-causes.ts) is worded for a reader: which message of the
// `causes` namespace, with which values. Shared by the dashboard (useCauseText) and the notice
// mails, so both say the same thing; dates are formatted by the caller (the browser's time zone
// in the dashboard, UTC in mail).

export type CauseKey = `failure.${FailureCauseCode}` | `disabled.${DisableReasonCode}` | "unknownFailure" | "unknownDisabled";

export type CauseWording = { key: CauseKey; values: Record<string, string | number> } | { text: string };

/**
 * The message for a cause. Text with no code (written before codes existed and not recognised by
 * the backfill): English readers get it as it is, others a generic sentence in their language.
 */
export function causeWording(
  kind: "failure" | "disabled",
  cause: StoredCause | null | undefined,
  text: string | null | undefined,
  locale: Locale,
  formatDate: (iso: string) => string,
): CauseWording {
  if (!cause) {
    if (text && locale === "en") return { text };
    return { key: kind === "failure" ? "unknownFailure" : "unknownDisabled", values: {} };
  }
  const values: Record<string, string | number> = { ...cause.params };
  for (const name of ["since", "at"]) if (typeof values[name] === "string") values[name] = formatDate(values[name]);
  if (typeof values.windowMs === "number") values.window = formatWindow(values.windowMs, locale);
  const key: CauseKey = isDisableReason(cause.code) ? `disabled.${cause.code}` : `failure.${cause.code}`;
  return { key, values };
}

function isDisableReason(code: string): code is DisableReasonCode {
  return (DISABLE_REASONS as readonly string[]).includes(code);
}

/** "3 days", "12 hours", "3 días": the largest unit that divides the window exactly. */
export function formatWindow(ms: number, locale: string): string {
  const units = [
    ["day", 86_400_000],
    ["hour", 3_600_000],
    ["minute", 60_000],
    ["second", 1_000],
  ] as const;
  const [unit, size] = units.find(([, size]) => ms % size === 0) ?? units[3];
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long", maximumFractionDigits: 1 }).format(ms / size);
}
