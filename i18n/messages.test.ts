import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import en from "@/messages/en.json";
import es from "@/messages/es.json";

// Every message exists in both languages and is read somewhere: a string added in one language
// only, or left behind after its component changed, fails here.

type Tree = { [key: string]: string | Tree };

function leafKeys(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`] : leafKeys(value, `${prefix}${key}.`),
  );
}

const ROOT = path.resolve(import.meta.dirname, "..");
const SOURCE_DIRS = ["app", "components", "lib", "i18n"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

const source = SOURCE_DIRS.flatMap((d) => sourceFiles(path.join(ROOT, d)))
  .map((f) => readFileSync(f, "utf8"))
  .join("\n");

// The string literals of the code ("…", '…') and the fixed starts of template literals (`a.${`).
const literals = new Set([...source.matchAll(/"([A-Za-z0-9_.]+)"|'([A-Za-z0-9_.]+)'/g)].map((m) => m[1] ?? m[2]));
const templateStarts = [...source.matchAll(/`([A-Za-z0-9_.]+)\.\$\{/g)].map((m) => `${m[1]}.`);

/** A key `a.b.c` is read when some prefix is a namespace literal ("a" or "a.b") and the rest a
 * key literal ("b.c" or "c"), or the rest starts with a template's fixed part (`b.${…}`). */
function isUsed(key: string): boolean {
  const parts = key.split(".");
  for (let i = 1; i < parts.length; i++) {
    const namespace = parts.slice(0, i).join(".");
    const rest = parts.slice(i).join(".");
    if (!literals.has(namespace)) continue;
    if (literals.has(rest) || templateStarts.some((start) => rest.startsWith(start))) return true;
  }
  return false;
}

describe("messages", () => {
  const enKeys = leafKeys(en);
  const esKeys = leafKeys(es);

  it("every English message has a Spanish one", () => {
    expect(enKeys.filter((k) => !esKeys.includes(k))).toEqual([]);
  });

  it("every Spanish message has an English one", () => {
    expect(esKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
  });

  it("every message is used in the code", () => {
    expect(enKeys.filter((k) => !isUsed(k))).toEqual([]);
  });

  it("no Spanish message is left empty or in English word for word", () => {
    const lookup = (tree: Tree, k: string) => String(k.split(".").reduce<unknown>((t, p) => (t as Tree)[p], tree) ?? "");
    const same = (k: string) => lookup(es, k);
    const en_ = (k: string) => lookup(en, k);
    // Words that are the same in both languages (product names, loanwords).
    const SAME_IN_BOTH = /^(Webhooks?|Email|OpenAPI|API|Endpoint|URL|ID|Test|OK|—|PartnersMy)$/i;
    const copied = enKeys.filter((k) => {
      const value = same(k);
      return value === "" || (value === en_(k) && !SAME_IN_BOTH.test(String(value)) && String(value).includes(" "));
    });
    expect(copied).toEqual([]);
  });
});
