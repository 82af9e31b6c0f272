import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { routeErrors } from "@/lib/openapi/document";
import { ROUTES, type Auth, type Method, type RouteDoc } from "@/lib/openapi/routes";
import { translateRoute, type ReferenceTranslation } from "@/lib/openapi/translation";
import { ERROR_STATUS } from "@/lib/api/errors";
import { CodeBlock } from "./code-block";
import { Code, InlineText } from "./prose";
import { SchemaFields, isSchema, type JsonSchema } from "./schema-fields";

// The API reference, rendered from the same route list and OpenAPI document as /api/openapi.json;
// in another language, with the texts of `translation` (the page passes the document translated too).

const METHOD_STYLES: Record<Method, string> = {
  GET: "bg-sky-100 text-sky-800",
  POST: "bg-green-100 text-green-800",
  PUT: "bg-amber-100 text-amber-900",
  PATCH: "bg-violet-100 text-violet-800",
  DELETE: "bg-red-100 text-red-800",
};

const AUTH_TONES: Record<Auth, "grey" | "blue" | "green"> = { public: "grey", session: "blue", apiKey: "green" };

export function MethodBadge({ method }: { method: Method }) {
  return (
    <span className={cn("inline-flex w-16 shrink-0 justify-center rounded px-1.5 py-0.5 font-mono text-xs font-bold", METHOD_STYLES[method])}>
      {method}
    </span>
  );
}

/** `obj.a.b.c` of parsed JSON, if every step is an object. */
function dig(value: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((v, k) => (isSchema(v) ? v[k] : undefined), value);
}

export function ApiReference({
  tags,
  paths,
  schemas,
  translation,
}: {
  tags: Array<{ name: string; description?: string }>;
  paths: Record<string, unknown>;
  schemas: Record<string, unknown>;
  translation: ReferenceTranslation | null;
}) {
  return (
    <div className="space-y-8">
      {tags.map((tag) => {
        const routes = ROUTES.filter((r) => r.tag === tag.name);
        if (routes.length === 0) return null;
        return (
          <div key={tag.name}>
            <h3 className="text-lg font-semibold text-slate-900">{translation?.tags[tag.name]?.name ?? tag.name}</h3>
            {tag.description ? <p className="text-sm text-slate-600">{tag.description}</p> : null}
            <ul className="mt-3 divide-y divide-slate-200 overflow-hidden rounded-lg border border-slate-200 bg-white">
              {routes.map((route) => (
                <li key={`${route.method} ${route.path}`}>
                  <OperationItem
                    route={route}
                    operation={dig(paths, route.path, route.method.toLowerCase())}
                    schemas={schemas}
                    translation={translation}
                  />
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </div>
  );
}

function OperationItem({
  route: original,
  operation,
  schemas,
  translation,
}: {
  route: RouteDoc;
  operation: unknown;
  schemas: Record<string, unknown>;
  translation: ReferenceTranslation | null;
}) {
  const route = translateRoute(original, translation);
  const parameters = dig(operation, "parameters");
  const query = (Array.isArray(parameters) ? parameters.filter(isSchema) : []).filter((p) => p.in === "query" || p.in === "header");
  const body = dig(operation, "requestBody", "content", "application/json", "schema");
  const success = dig(operation, "responses", String(route.success.status), "content", "application/json", "schema");
  const t = useTranslations("docs.reference");
  return (
    <details className="group" data-testid="api-operation">
      <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-3 gap-y-1 px-4 py-3 hover:bg-slate-50 [&::-webkit-details-marker]:hidden">
        <MethodBadge method={route.method} />
        <code className="font-mono text-sm font-medium break-all text-slate-900">{route.path}</code>
        <span className="text-sm text-slate-600">{route.summary}</span>
        <span className="ml-auto flex items-center gap-2">
          <Badge tone={AUTH_TONES[route.auth]}>{t(`auth.${route.auth}`)}</Badge>
          <span aria-hidden="true" className="text-slate-400 transition-transform group-open:rotate-90">
            ›
          </span>
        </span>
      </summary>
      <div className="space-y-4 border-t border-slate-100 bg-slate-50/50 px-4 py-4">
        {route.description ? (
          <p className="text-sm leading-6 text-slate-700">
            <InlineText text={route.description} />
          </p>
        ) : null}
        {route.pathParams ? (
          <p className="text-sm text-slate-700">
            {Object.entries(route.pathParams).map(([name, text]) => (
              <span key={name} className="mr-3">
                <Code>{name}</Code> <InlineText text={text} />
              </span>
            ))}
          </p>
        ) : null}
        {query.length ? (
          <div>
            <p className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">{t("query")}</p>
            <SchemaFields
              caption={t("parametersOf", { route: `${route.method} ${route.path}` })}
              schemas={schemas}
              schema={{
                type: "object",
                properties: Object.fromEntries(
                  query.map((p) => [String(p.name), { ...(isSchema(p.schema) ? p.schema : {}), ...(p.description ? { description: p.description } : {}) }]),
                ),
                required: query.filter((p) => p.required).map((p) => String(p.name)),
              }}
            />
          </div>
        ) : null}
        {isSchema(body) ? (
          <div>
            <p className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">{t("body")}</p>
            <SchemaFields caption={t("bodyOf", { route: `${route.method} ${route.path}` })} schema={body} schemas={schemas} />
          </div>
        ) : null}
        {route.example !== undefined && route.body ? (
          <CodeBlock label={t("example")} code={JSON.stringify(route.example, null, 2)} />
        ) : null}
        <div>
          <p className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">{t("responses")}</p>
          <ul className="space-y-1 text-sm text-slate-700">
            <li>
              <span className="font-mono font-semibold text-green-700">{route.success.status}</span> {route.success.description}
              {isSchema(success) ? <> — <Code>{schemaName(success)}</Code></> : null}
            </li>
            {routeErrors(route, translation?.routeErrors, translation?.errors).map(([code, text]) => (
              <li key={code}>
                <span className="font-mono font-semibold text-red-700">{ERROR_STATUS[code]}</span> <Code>{code}</Code> <InlineText text={text} />
              </li>
            ))}
          </ul>
        </div>
      </div>
    </details>
  );
}

function schemaName(schema: JsonSchema): string {
  if (typeof schema.$ref === "string") return schema.$ref.split("/").pop() ?? "object";
  const props = schema.properties;
  if (typeof props === "object" && props !== null) return `{ ${Object.keys(props).join(", ")} }`;
  return "object";
}
