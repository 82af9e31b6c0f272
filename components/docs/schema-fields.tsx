import { useTranslations } from "next-intl";
import { Code, InlineText, Table } from "./prose";

// Renders a JSON Schema object (from the OpenAPI document) as a table of fields.

export type JsonSchema = { [keyword: string]: unknown };

type Schemas = Record<string, unknown>;

export const isSchema = (v: unknown): v is JsonSchema => typeof v === "object" && v !== null && !Array.isArray(v);

function resolve(schema: JsonSchema, schemas: Schemas): JsonSchema {
  const ref = typeof schema.$ref === "string" ? schema.$ref.split("/").pop() : undefined;
  const target = ref ? schemas[ref] : undefined;
  if (isSchema(target)) return resolve(target, schemas);
  if (Array.isArray(schema.allOf)) {
    // Merge allOf parts (e.g. Webhook + secret) into one object.
    const parts = schema.allOf.filter(isSchema).map((p) => resolve(p, schemas));
    return {
      type: "object",
      properties: Object.assign({}, ...parts.map((p) => (isSchema(p.properties) ? p.properties : {}))),
      required: parts.flatMap((p) => (Array.isArray(p.required) ? p.required : [])),
    };
  }
  return schema;
}

export function typeLabel(schema: JsonSchema): string {
  if (typeof schema.$ref === "string") return schema.$ref.split("/").pop() ?? "object";
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (Array.isArray(schema.anyOf)) return schema.anyOf.filter(isSchema).map(typeLabel).join(" | ");
  if (schema.type === "array") return `${isSchema(schema.items) ? typeLabel(schema.items) : "any"}[]`;
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  if (typeof schema.type === "string") return typeof schema.format === "string" ? `${schema.type} (${schema.format})` : schema.type;
  return "any";
}

type Translate = ReturnType<typeof useTranslations<"docs.fields">>;

function constraints(schema: JsonSchema, t: Translate): string[] {
  const out: string[] = [];
  const inner = Array.isArray(schema.anyOf) ? schema.anyOf.filter(isSchema).find((s) => s.type !== "null") ?? schema : schema;
  const pick = (s: JsonSchema) => {
    if (typeof s.minLength === "number") out.push(t("minLength", { n: s.minLength }));
    if (typeof s.maxLength === "number") out.push(t("maxLength", { n: s.maxLength }));
    if (typeof s.minimum === "number") out.push(`≥ ${s.minimum}`);
    if (typeof s.maximum === "number") out.push(`≤ ${s.maximum}`);
    if (typeof s.minItems === "number") out.push(t("minItems", { n: s.minItems }));
    if (typeof s.pattern === "string") out.push(t("pattern", { pattern: s.pattern }));
  };
  pick(inner);
  if (schema.type === "array" && isSchema(schema.items)) pick(schema.items);
  if ("default" in schema) out.push(t("default", { value: JSON.stringify(schema.default) }));
  return out;
}

export function SchemaFields({ schema, schemas, caption }: { schema: JsonSchema; schemas: Schemas; caption: string }) {
  const t = useTranslations("docs.fields");
  const resolved = resolve(schema, schemas);
  const properties = isSchema(resolved.properties) ? resolved.properties : {};
  const required = Array.isArray(resolved.required) ? resolved.required : [];
  const rows = Object.entries(properties)
    .filter((entry): entry is [string, JsonSchema] => isSchema(entry[1]))
    .map(([name, field]) => {
      const description = typeof field.description === "string" ? field.description : "";
      const notes = constraints(field, t);
      return [
        <Code key="n">{name}</Code>,
        <span key="t" className="font-mono text-xs break-words text-slate-600">
          {typeLabel(field)}
        </span>,
        required.includes(name) ? (
          <span key="r" className="text-slate-900">
            {t("required")}
          </span>
        ) : (
          <span key="r" className="text-slate-500">
            {t("optional")}
          </span>
        ),
        <span key="d">
          <InlineText text={description} />
          {notes.length ? <span className="block text-xs text-slate-500">{notes.join(" · ")}</span> : null}
        </span>,
      ];
    });
  if (rows.length === 0) return <p className="text-sm text-slate-500">{t("none")}</p>;
  return <Table caption={caption} head={[t("field"), t("type"), "", t("notes")]} rows={rows} />;
}
