import { z } from "zod";

// The one schema for a date-time a client sends (body fields, query parameters, the dates inside
// cursors). Client-safe: zod only. A date must be ISO 8601 with a zone, name a real calendar
// instant and lie in a range PostgreSQL and JavaScript both hold exactly:
// - 2026-02-30 is refused: JavaScript silently rolls it over to 2 March, PostgreSQL refuses it.
// - 0000-01-01 is refused: there is no year 0 in PostgreSQL (it answered a 500).
// - nothing in this product predates 1970, and after 9999 ISO strings need a sign and 6 digits.

export const EARLIEST_DATE_TIME = "1970-01-01T00:00:00Z";
export const LATEST_DATE_TIME = "9999-12-31T23:59:59.999Z";
const EARLIEST_MS = Date.parse(EARLIEST_DATE_TIME);
const LATEST_MS = Date.parse(LATEST_DATE_TIME);

const FORMAT_MESSAGE = "Use an ISO 8601 date-time with a time zone, e.g. 2026-01-15T10:30:00Z.";
const REAL_DATE_MESSAGE = `Use a real date and time between ${EARLIEST_DATE_TIME.slice(0, 10)} and ${LATEST_DATE_TIME.slice(0, 10)}, e.g. 2026-01-15T10:30:00Z.`;

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * The instant an ISO 8601 date-time names, or null when its calendar fields do not survive a
 * round trip (Feb 30, 24:00, a leap second, an offset beyond ±23:59) or it lies outside
 * [EARLIEST_DATE_TIME, LATEST_DATE_TIME].
 */
export function toClientInstant(value: string): Date | null {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second = 0] = m.slice(1, 7).map(Number) as number[];
  const fields = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second));
  const roundTrips =
    fields.getUTCFullYear() === year &&
    fields.getUTCMonth() === month! - 1 &&
    fields.getUTCDate() === day &&
    fields.getUTCHours() === hour &&
    fields.getUTCMinutes() === minute &&
    fields.getUTCSeconds() === second;
  if (!roundTrips || !validOffset(m[7]!)) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms < EARLIEST_MS || ms > LATEST_MS) return null;
  return new Date(ms);
}

function validOffset(zone: string): boolean {
  if (zone.toUpperCase() === "Z") return true;
  const digits = zone.slice(1).replace(":", "");
  return Number(digits.slice(0, 2)) <= 23 && Number(digits.slice(2)) <= 59;
}

/** A client-sent ISO 8601 date-time (kept as the string sent; `toClientInstant` reads it). */
export const clientDateTime = z.iso
  .datetime({ offset: true, error: FORMAT_MESSAGE, abort: true })
  .refine((value) => toClientInstant(value) !== null, REAL_DATE_MESSAGE);
