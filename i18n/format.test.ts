import { describe, expect, it } from "vitest";
import { formatMoney } from "./format";

// Intl writes a narrow no-break space between amount and sign in Spanish; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("formatMoney", () => {
  it("formats minor units in each language's way", () => {
    expect(plain(formatMoney(123456, "EUR", "es"))).toBe("1.234,56 €");
    expect(formatMoney(123456, "USD", "en")).toBe("$1,234.56");
    expect(plain(formatMoney(123456, "USD", "es"))).toBe("1.234,56 US$");
    expect(formatMoney(123456, "EUR", "en")).toBe("€1,234.56");
  });

  it("uses the currency's own decimals", () => {
    expect(formatMoney(1500, "JPY", "en")).toBe("¥1,500");
    expect(plain(formatMoney(1234, "KWD", "en"))).toBe("KWD 1.234");
    expect(formatMoney(5, "USD", "en")).toBe("$0.05");
    expect(formatMoney(0, "USD", "en")).toBe("$0.00");
  });

  it("keeps negatives and large amounts exact", () => {
    expect(formatMoney(-250, "USD", "en")).toBe("-$2.50");
    expect(formatMoney(900719925474099312n, "USD", "en")).toBe("$9,007,199,254,740,993.12");
  });
});
