import { describe, expect, it } from "vitest";
import { localeFromAcceptLanguage, resolveLocale } from "./locales";

describe("choosing the language", () => {
  it.each([
    ["es-MX,es;q=0.9,en;q=0.8", "es"],
    ["en-US,en;q=0.9", "en"],
    ["en;q=0.5,es;q=0.9", "es"],
    ["fr-FR,fr;q=0.9", "en"],
    ["", "en"],
    ["*", "en"],
    ["not a tag,,;;", "en"],
  ])("Accept-Language %j gives %s", (header, expected) => {
    expect(localeFromAcceptLanguage(header)).toBe(expected);
  });

  it("the switch's cookie wins over the profile, the profile over the browser", () => {
    expect(resolveLocale({ cookie: "en", profile: "es", acceptLanguage: "es" })).toBe("en");
    expect(resolveLocale({ cookie: null, profile: "es", acceptLanguage: "en" })).toBe("es");
    expect(resolveLocale({ cookie: "xx", profile: null, acceptLanguage: "es-AR" })).toBe("es");
  });
});
