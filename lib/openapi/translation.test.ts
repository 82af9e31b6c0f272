import { describe, expect, it } from "vitest";
import { referenceTranslation } from "@/i18n/api-reference";
import { LOCALES } from "@/i18n/locales";
import { buildOpenApiDocument, routeErrors } from "./document";
import { ROUTES } from "./routes";
import { referenceTextKeys, translateDocument, translateRoute, translationTexts } from "./translation";

// The /docs API reference in every language but English: each text the generated OpenAPI
// document and the route list give a reader (operations by operationId, schema properties,
// parameters, tags) has its translation, and each translation names something that exists.

const doc = buildOpenApiDocument();
const english = referenceTextKeys(doc, ROUTES);
const codeSpans = (text: string) => [...text.matchAll(/`[^`]*`/g)].map((m) => m[0]).sort();
// Texts that are the same in both languages (names, a standard's name).
const SAME = new Set(["Webhooks", "Meta", "ISO 4217."]);

describe.each(LOCALES.filter((l) => l !== "en"))("the API reference in %s", (locale) => {
  const tr = referenceTranslation(locale)!;
  const texts = translationTexts(tr);
  const keys = new Set(texts.keys());

  it("has a text for every operation, parameter, schema property and tag of the document", () => {
    expect([...english.keys()].filter((k) => !keys.has(k))).toEqual([]);
    expect(english.size).toBeGreaterThan(300);
  });

  it("has no text that refers to nothing", () => {
    expect([...keys].filter((k) => !english.has(k))).toEqual([]);
  });

  it("translates each text, keeping its code spans and field names as they are", () => {
    const untranslated: string[] = [];
    const codeChanged: string[] = [];
    for (const [key, en] of english) {
      const translated = texts.get(key);
      if (!translated || (translated === en && !SAME.has(en))) untranslated.push(key);
      else if (codeSpans(translated).join() !== codeSpans(en).join()) codeChanged.push(key);
    }
    expect(untranslated).toEqual([]);
    expect(codeChanged).toEqual([]);
  });

  it("the translated document and routes read in the language; the OpenAPI document stays English", () => {
    const translated = translateDocument(doc, tr);
    const schemas = translated.components!.schemas as Record<string, { properties: Record<string, { description?: string }> }>;
    expect(schemas.Webhook!.properties.url!.description).toBe(tr.properties.Webhook!.url);
    expect((doc.components!.schemas as typeof schemas).Webhook!.properties.url!.description).toBe("Where deliveries are POSTed.");
    const conversion = ROUTES.find((r) => r.operationId === "createConversion")!;
    const route = translateRoute(conversion, tr);
    expect(route.summary).toBe(tr.operations.createConversion!.summary);
    const errors = routeErrors(route, tr.routeErrors, tr.errors);
    const englishErrors = new Map(routeErrors(conversion));
    for (const [code, text] of errors) expect(text, code).not.toBe(englishErrors.get(code));
  });
});
