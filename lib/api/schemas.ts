import { z } from "zod";

// Building blocks of the response schemas. Client-safe (zod only): the dashboard's types are
// `z.infer` of the schemas built from these.

/**
 * A point in time. The server holds a Date; the wire (and `z.infer`, the client's view) has the
 * ISO 8601 string that Response.json writes for it. Serializers return `z.input` of a schema,
 * parsing one gives exactly the JSON a client receives.
 */
export const timestamp = z.codec(z.date(), z.iso.datetime(), {
  decode: (date) => date.toISOString(),
  encode: (text) => new Date(text),
});

/** One of our prefixed random ids (`wh_…`), with an example for the docs. */
export function prefixedId(prefix: string, description?: string) {
  return z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9a-z]+$`))
    .meta({ examples: [`${prefix}_7h3k9m2p4q6r8s1t5v0w`], ...(description ? { description } : {}) });
}

/** API.md's list envelope: `{ data: [...] }`. */
export function listOf<T extends z.ZodType>(item: T, description?: string) {
  return z.object({ data: z.array(item).meta(description ? { description } : {}) });
}
