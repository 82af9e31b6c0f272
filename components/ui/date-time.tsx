"use client";

import { useLocale } from "next-intl";

/**
 * A timestamp in the page's language and the reader's time zone, with the exact ISO value on
 * hover. Intl directly rather than next-intl's formatter: that one formats in the server's time
 * zone (no per-user zone is known), this one in the browser's, as before.
 */
export function DateTime({ value, fallback = "—" }: { value: string | Date | null | undefined; fallback?: string }) {
  const locale = useLocale();
  if (!value) return <span className="text-slate-400">{fallback}</span>;
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return <span className="text-slate-400">{fallback}</span>;
  const iso = date.toISOString();
  return (
    <time dateTime={iso} title={iso} suppressHydrationWarning>
      {date.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" })}
    </time>
  );
}
