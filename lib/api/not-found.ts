import { ApiError, errorResponse } from "./errors";

// Every answer under /api is the JSON envelope, also for what no handler serves: Next's own
// 404 is an HTML page and its 405 an empty body without Allow.

const METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];
type Handler = (req: Request) => Promise<Response>;

/** app/api/[...notFound]: any method on a path no route serves. */
export async function noSuchRoute(req: Request): Promise<Response> {
  const { pathname } = new URL(req.url);
  return errorResponse(new ApiError("not_found", `There is no API route at ${pathname}. See /api/openapi.json.`));
}

/**
 * The methods a route file does not serve, each answering 405 in the envelope with an Allow
 * header, and OPTIONS answering 204 with the same Allow. HEAD comes from GET (Next does that).
 * Destructure exactly the methods the file does not export:
 *
 *   export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
 */
export function otherMethods<const S extends Exclude<Method, "HEAD" | "OPTIONS">>(
  ...served: S[]
): Record<Exclude<Method, S | (S extends "GET" ? "HEAD" : never)>, Handler> {
  const allowed = new Set<Method>([...served, "OPTIONS"]);
  if (allowed.has("GET")) allowed.add("HEAD");
  const allow = [...allowed].sort().join(", ");
  const notAllowed: Handler = async (req) =>
    errorResponse(
      new ApiError("method_not_allowed", `${req.method} is not allowed here; use ${allow}.`, undefined, { Allow: allow }),
    );
  const options: Handler = async () => new Response(null, { status: 204, headers: { Allow: allow } });
  const handlers: Partial<Record<Method, Handler>> = {};
  for (const method of METHODS) if (!allowed.has(method) || method === "OPTIONS") handlers[method] = method === "OPTIONS" ? options : notAllowed;
  return handlers as Record<Exclude<Method, S | (S extends "GET" ? "HEAD" : never)>, Handler>;
}
