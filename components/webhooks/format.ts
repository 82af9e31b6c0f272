import { useFormatter } from "next-intl";

// Display helpers shared by the webhook screens, in the page's language (next-intl's formatter).

/**
 * `const fmt = useDisplayFormat()`: `fmt.percent(0.975)` → "97.5%" / "97,5 %",
 * `fmt.duration(1250)` → "1.25 s" / "1,25 s", `fmt.relative(date)` → "3 minutes ago" / "hace 3 minutos".
 */
export function useDisplayFormat() {
  const f = useFormatter();
  return {
    /** A 0…1 ratio as a percentage, one decimal except at the ends: "100%", "97.5%". */
    percent(rate: number | null | undefined): string {
      if (rate === null || rate === undefined || Number.isNaN(rate)) return "—";
      const whole = rate >= 0.9995 || rate === 0;
      return f.number(rate, { style: "percent", minimumFractionDigits: whole ? 0 : 1, maximumFractionDigits: whole ? 0 : 1 });
    },
    duration(ms: number | null | undefined): string {
      if (ms === null || ms === undefined) return "—";
      if (ms < 1000) return f.number(Math.round(ms), { style: "unit", unit: "millisecond" });
      const digits = ms < 10_000 ? 2 : 1;
      return f.number(ms / 1000, { style: "unit", unit: "second", minimumFractionDigits: digits, maximumFractionDigits: digits });
    },
    /** "3 minutes ago", "in 5 seconds"; "now" under 5 s. */
    relative(value: string | Date | null | undefined, now: number = Date.now()): string {
      if (!value) return "—";
      const at = typeof value === "string" ? Date.parse(value) : value.getTime();
      if (Number.isNaN(at)) return "—";
      return f.relativeTime(Math.abs(at - now) < 5_000 ? now : at, now);
    },
    count(n: number): string {
      return f.number(n);
    },
  };
}

/** Pretty-printed JSON of a payload that may already be parsed, or raw text. */
export function prettyJson(value: unknown): string {
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? "";
}
