import { describe, expect, it } from "vitest";
import { clientDateTime, toClientInstant } from "./date-time";

// The one schema for dates clients send (issue 10, item 4): only instants that survive a round
// trip through the calendar and that PostgreSQL and JavaScript both hold exactly.

describe("clientDateTime", () => {
  it.each([
    ["2026-01-15T10:30:00Z", "2026-01-15T10:30:00.000Z"],
    ["2026-01-15T10:30:00.123456Z", "2026-01-15T10:30:00.123Z"],
    ["2026-01-15T10:30:00+02:00", "2026-01-15T08:30:00.000Z"],
    ["2024-02-29T23:59:59Z", "2024-02-29T23:59:59.000Z"],
    ["1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z"],
    ["9999-12-31T23:59:59Z", "9999-12-31T23:59:59.000Z"],
  ])("accepts %s (the instant %s)", (value, instant) => {
    expect(clientDateTime.safeParse(value).success).toBe(true);
    expect(toClientInstant(value)?.toISOString()).toBe(instant);
  });

  it.each([
    "0000-01-01T00:00:00Z", // no year 0 in PostgreSQL: the 500 the review found
    "2026-02-30T00:00:00Z", // JavaScript rolls it over to 2 March
    "2025-02-29T00:00:00Z", // not a leap year
    "2026-04-31T12:00:00Z",
    "2026-01-01T23:59:60Z", // leap second
    "2026-13-01T00:00:00Z",
    "2026-00-10T00:00:00Z",
    "2026-01-00T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "1969-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59-01:00", // year 10000 in UTC
    "+010000-01-01T00:00:00Z",
    "-000001-01-01T00:00:00Z",
    "2026-01-15T10:30:00", // no zone
    "2026-01-15",
    "yesterday",
    "",
  ])("refuses %j", (value) => {
    expect(clientDateTime.safeParse(value).success).toBe(false);
    expect(toClientInstant(value)).toBeNull();
  });
});
