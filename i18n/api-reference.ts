import type { ReferenceTranslation } from "@/lib/openapi/translation";
import es from "@/messages/api-reference.es.json";
import type { Locale } from "./locales";

// The API reference's texts per language (lib/openapi/translation.ts); English is the OpenAPI
// document itself. Typed: a file that does not have the shape does not compile.
const TRANSLATIONS: Record<Exclude<Locale, "en">, ReferenceTranslation> = { es };

export function referenceTranslation(locale: Locale): ReferenceTranslation | null {
  return locale === "en" ? null : TRANSLATIONS[locale];
}
