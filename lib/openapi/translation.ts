import type { ErrorCode } from "@/lib/api/errors";
import type { RouteDoc } from "./routes";

// The API reference on /docs in another language. /api/openapi.json stays English (it is for
// machines); for a reader, each operation (by operationId), each documented schema property (by
// schema and property path), each query/header parameter and each tag has its text in
// messages/api-reference.<locale>.json, keyed as `referenceTextKeys` lists them. The test in
// translation.test.ts fails when the generated document has a text with no translation (a new
// route or field cannot forget it) and when a translation names nothing.

export interface OperationTexts {
  summary: string;
  description?: string;
  success: string;
  pathParams?: Record<string, string>;
  errors?: Partial<Record<ErrorCode, string>>;
}

/** The words routeErrors composes a route's implied errors from (lib/openapi/document.ts). */
export interface RouteErrorWords {
  bodyInvalid: string;
  bodyOrIdempotencyInvalid: string;
  noSession: string;
  crossSite: string;
  noApiKey: string;
  /** {perMinute} and {failuresPerMinute}: the defaults. */
  apiKeyRateLimited: string;
  /** Joins a route's own text to an implied one: "<implied> Or: <own>". */
  or: string;
  notFoundId: string;
  unprocessable: string;
  idempotencyReused: string;
}

export interface ReferenceTranslation {
  tags: Record<string, { name: string; description: string }>;
  operations: Record<string, OperationTexts>;
  /** operationId → query/header parameter name → text. */
  parameters: Record<string, Record<string, string>>;
  /** Component schema name → property path ("error.code" for nested ones) → text. */
  properties: Record<string, Record<string, string>>;
  /** The general meaning of each error code. */
  errors: Record<ErrorCode, string>;
  routeErrors: RouteErrorWords;
}

type Json = { [key: string]: unknown };
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every documented property of a schema, depth first, with its path ("a", "a.b"); $refs are not followed. */
export function documentedProperties(schema: unknown, path: string[] = []): Array<{ path: string; node: Json }> {
  if (!isObject(schema)) return [];
  const out: Array<{ path: string; node: Json }> = [];
  if (isObject(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      if (!isObject(property)) continue;
      const here = [...path, name];
      if (typeof property.description === "string") out.push({ path: here.join("."), node: property });
      out.push(...documentedProperties(property, here));
    }
  }
  for (const key of ["items", "anyOf", "allOf", "oneOf", "additionalProperties"]) {
    const value = schema[key];
    for (const part of Array.isArray(value) ? value : [value]) out.push(...documentedProperties(part, path));
  }
  return out;
}

/** A parameter's text: its own description, or (zod-openapi's way for query schemas) its schema's. */
function parameterText(p: Json): string | null {
  if (typeof p.description === "string") return p.description;
  return isObject(p.schema) && typeof p.schema.description === "string" ? p.schema.description : null;
}

type Doc = { tags?: Array<{ name: string; description?: string }>; paths?: unknown; components?: { schemas?: unknown } };

/** The operations of the document's paths, with their operationId. */
function operationsOf(doc: Doc): Array<{ operationId: string; operation: Json }> {
  const out: Array<{ operationId: string; operation: Json }> = [];
  for (const item of Object.values(isObject(doc.paths) ? doc.paths : {})) {
    for (const operation of Object.values(isObject(item) ? item : {})) {
      if (isObject(operation) && typeof operation.operationId === "string") out.push({ operationId: operation.operationId, operation });
    }
  }
  return out;
}

/**
 * Every text of the reference a reader sees, as the key its translation has (the English beside
 * it): the routes' own texts, the document's tags, query/header parameters and schema properties.
 */
export function referenceTextKeys(doc: Doc, routes: RouteDoc[]): Map<string, string> {
  const keys = new Map<string, string>();
  for (const tag of doc.tags ?? []) {
    keys.set(`tags.${tag.name}.name`, tag.name);
    if (tag.description) keys.set(`tags.${tag.name}.description`, tag.description);
  }
  for (const route of routes) {
    const at = `operations.${route.operationId}`;
    keys.set(`${at}.summary`, route.summary);
    if (route.description) keys.set(`${at}.description`, route.description);
    keys.set(`${at}.success`, route.success.description);
    for (const [name, text] of Object.entries(route.pathParams ?? {})) keys.set(`${at}.pathParams.${name}`, text);
    for (const [code, text] of Object.entries(route.errors ?? {})) if (text) keys.set(`${at}.errors.${code}`, text);
  }
  for (const { operationId, operation } of operationsOf(doc)) {
    for (const p of Array.isArray(operation.parameters) ? operation.parameters.filter(isObject) : []) {
      const text = parameterText(p);
      if (p.in !== "path" && text !== null) keys.set(`parameters.${operationId}.${String(p.name)}`, text);
    }
  }
  const schemas = isObject(doc.components?.schemas) ? doc.components.schemas : {};
  for (const [name, schema] of Object.entries(schemas)) {
    for (const { path, node } of documentedProperties(schema)) keys.set(`properties.${name}.${path}`, String(node.description));
  }
  return keys;
}

/** A translation's texts by the same keys (`errors.*` and `routeErrors.*` are complete by type). */
export function translationTexts(tr: ReferenceTranslation): Map<string, string> {
  const texts = new Map<string, string>();
  for (const [name, tag] of Object.entries(tr.tags)) {
    texts.set(`tags.${name}.name`, tag.name);
    texts.set(`tags.${name}.description`, tag.description);
  }
  for (const [id, op] of Object.entries(tr.operations)) {
    texts.set(`operations.${id}.summary`, op.summary);
    texts.set(`operations.${id}.success`, op.success);
    if (op.description !== undefined) texts.set(`operations.${id}.description`, op.description);
    for (const [name, text] of Object.entries(op.pathParams ?? {})) texts.set(`operations.${id}.pathParams.${name}`, text);
    for (const [code, text] of Object.entries(op.errors ?? {})) if (text) texts.set(`operations.${id}.errors.${code}`, text);
  }
  for (const [id, params] of Object.entries(tr.parameters)) for (const [name, text] of Object.entries(params)) texts.set(`parameters.${id}.${name}`, text);
  for (const [schema, props] of Object.entries(tr.properties)) for (const [path, text] of Object.entries(props)) texts.set(`properties.${schema}.${path}`, text);
  return texts;
}

/** A route with its texts in the translation's language. */
export function translateRoute(route: RouteDoc, tr: ReferenceTranslation | null): RouteDoc {
  const texts = tr?.operations[route.operationId];
  if (!texts) return route;
  return {
    ...route,
    summary: texts.summary,
    description: route.description === undefined ? undefined : (texts.description ?? route.description),
    pathParams: route.pathParams && { ...route.pathParams, ...texts.pathParams },
    success: { ...route.success, description: texts.success },
    errors: route.errors && { ...route.errors, ...texts.errors },
  };
}

/** A copy of the document with its tags, parameters and schema properties in the translation's language. */
export function translateDocument<D extends Doc>(doc: D, tr: ReferenceTranslation | null): D {
  if (!tr) return doc;
  const copy = structuredClone(doc);
  // Names stay: routes are grouped by them (the reference shows `tags[name].name`).
  copy.tags = copy.tags?.map((tag) => ({ ...tag, description: tr.tags[tag.name]?.description ?? tag.description }));
  for (const { operationId, operation } of operationsOf(copy)) {
    for (const p of Array.isArray(operation.parameters) ? operation.parameters.filter(isObject) : []) {
      const text = tr.parameters[operationId]?.[String(p.name)];
      if (!text || p.in === "path") continue;
      if (typeof p.description === "string") p.description = text;
      if (isObject(p.schema) && typeof p.schema.description === "string") p.schema.description = text;
    }
  }
  const schemas = isObject(copy.components?.schemas) ? copy.components.schemas : {};
  for (const [name, schema] of Object.entries(schemas)) {
    for (const { path, node } of documentedProperties(schema)) {
      const text = tr.properties[name]?.[path];
      if (text) node.description = text;
    }
  }
  return copy;
}
