"use client";

/** A timestamp in the reader's locale and time zone, with the exact ISO value on hover. */
export function DateTime({ value, fallback = "—" }: { value: string | Date | null | undefined; fallback?: string }) {
  if (!value) return <span className="text-slate-400">{fallback}</span>;
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return <span className="text-slate-400">{fallback}</span>;
  const iso = date.toISOString();
  return (
    <time dateTime={iso} title={iso} suppressHydrationWarning>
      {date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}
    </time>
  );
}
