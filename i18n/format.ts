// Formatting the dashboard shares beyond next-intl's own formatter (useFormatter/getFormatter).

/**
 * An amount in minor units (cents, as the API sends it) in the locale's currency format:
 * `formatMoney(123456, "EUR", "es")` → "1.234,56 €", `formatMoney(123456, "USD", "en")` → "$1,234.56".
 * The currency's own number of decimals decides the scale (JPY has none, KWD three). The number is
 * passed to Intl as a decimal string, so large amounts are not rounded through a float.
 */
export function formatMoney(minor: number | bigint, currency: string, locale: string): string {
  // Grouping always: Spanish otherwise leaves four-digit amounts ungrouped ("1234,56 €").
  const format = new Intl.NumberFormat(locale, { style: "currency", currency, useGrouping: "always" });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const units = BigInt(minor);
  const negative = units < 0n;
  const abs = (negative ? -units : units).toString().padStart(digits + 1, "0");
  const decimal = digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
  return format.format(`${negative ? "-" : ""}${decimal}` as `${number}`);
}
