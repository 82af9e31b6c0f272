import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";

// The languages of the product, and how a request's language is chosen. Pure: no request state.
export const LOCALES = ["en", "es"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
// The visitor's choice from the language switch (the name next-intl itself uses).
export const LOCALE_COOKIE = "NEXT_LOCALE";
export const LOCALE_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

// Each language's name in itself, as the public page's header shows them.
export const LOCALE_NAMES: Record<Locale, string> = { es: "Español", en: "English" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The best of our languages for an Accept-Language header (quality values honoured), else English. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  const wanted = new Negotiator({ headers: { "accept-language": header ?? "" } })
    .languages()
    .filter((tag) => tag !== "*");
  try {
    const found = match(wanted, LOCALES, DEFAULT_LOCALE);
    return isLocale(found) ? found : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE; // a malformed tag in the header
  }
}

/** The cookie (the switch) wins, then the signed-in user's profile, then Accept-Language. */
export function resolveLocale(choice: {
  cookie?: string | null;
  profile?: string | null;
  acceptLanguage?: string | null;
}): Locale {
  if (isLocale(choice.cookie)) return choice.cookie;
  if (isLocale(choice.profile)) return choice.profile;
  return localeFromAcceptLanguage(choice.acceptLanguage);
}
