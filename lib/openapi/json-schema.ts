import { z } from "zod";

// JSON Schema (2020-12, which OpenAPI 3.1 uses as is) generated from the zod schemas the
// routes parse with, so the documented request is the validated request.

export type JsonSchema = { [keyword: string]: unknown };

/** The accepted input of a zod schema (defaults optional, before transforms) as JSON Schema. */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io: "input",
    // Refinements (URL rules, since < until) have no JSON Schema form; they stay in the prose.
    unrepresentable: "any",
    override: ({ jsonSchema }) => {
      // zod spells out the regex behind `format: date-time`/`email`; the format says it better.
      if (typeof jsonSchema.format === "string" && typeof jsonSchema.pattern === "string") delete jsonSchema.pattern;
    },
  });
  return json;
}

/** Small builders for the hand-written response shapes. */
export const s = {
  string: (description?: string, extra: JsonSchema = {}): JsonSchema => ({ type: "string", ...(description ? { description } : {}), ...extra }),
  id: (prefix: string, description?: string): JsonSchema => ({
    type: "string",
    pattern: `^${prefix}_[0-9a-z]+$`,
    examples: [`${prefix}_7h3k9m2p4q6r8s1t5v0w`],
    ...(description ? { description } : {}),
  }),
  integer: (description?: string, extra: JsonSchema = {}): JsonSchema => ({ type: "integer", ...(description ? { description } : {}), ...extra }),
  number: (description?: string): JsonSchema => ({ type: "number", ...(description ? { description } : {}) }),
  boolean: (description?: string): JsonSchema => ({ type: "boolean", ...(description ? { description } : {}) }),
  dateTime: (description?: string): JsonSchema => ({ type: "string", format: "date-time", ...(description ? { description } : {}) }),
  enum: (values: readonly string[], description?: string): JsonSchema => ({ type: "string", enum: [...values], ...(description ? { description } : {}) }),
  nullable: (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: "null" }] }),
  array: (items: JsonSchema, description?: string): JsonSchema => ({ type: "array", items, ...(description ? { description } : {}) }),
  ref: (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` }),
  /** An object whose every listed property is present unless named in `optional`. */
  object: (properties: Record<string, JsonSchema>, optional: readonly string[] = [], description?: string): JsonSchema => ({
    type: "object",
    ...(description ? { description } : {}),
    properties,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
  }),
};
