import "server-only";
import type { Session } from "next-auth";
import { auth } from "@/auth";
import { getAccount } from "@/lib/accounts/accounts";
import { authenticateApiKey } from "@/lib/api-keys/api-keys";
import { getConfig } from "@/lib/config";
import type { Account, ApiKey } from "@/lib/db/schema";
import { ApiError, errorResponse } from "./errors";
import { assertApiKeyFailuresUnderLimit, clientIp, countApiKeyFailure, limitApiKey } from "./rate-limit";

// Route handlers are wrapped by exactly one of these. Each authenticates, hands the handler
// the caller's account and turns anything thrown into API.md's error envelope.

type RouteContext<P> = { params: Promise<P> };
type Params = Record<string, string | string[] | undefined>;

export type SessionContext<P> = { account: Account; user: Session["user"]; params: P };
export type ApiKeyContext<P> = { account: Account; apiKey: ApiKey; params: P };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function withPublic<P extends Params = Params>(
  handler: (req: Request, ctx: { params: P }) => Promise<Response>,
) {
  return async (req: Request, ctx: RouteContext<P>): Promise<Response> => {
    try {
      // Routes without dynamic segments get no params object at all.
      const params = ((await ctx?.params) ?? {}) as P;
      // No id contains NUL, and PostgreSQL text cannot hold one: such a path names nothing.
      if (Object.values(params).some((v) => (Array.isArray(v) ? v.join("") : (v ?? "")).includes("\u0000"))) {
        throw new ApiError("not_found", "Nothing exists at this path.");
      }
      return await handler(req, { params });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** Dashboard routes: a next-auth session cookie, never an API key. */
export function withSession<P extends Params = Params>(
  handler: (req: Request, ctx: SessionContext<P>) => Promise<Response>,
) {
  return withPublic<P>(async (req, { params }) => {
    if (presentedApiKey(req) !== null) {
      throw new ApiError("unauthorized", "This endpoint requires a dashboard session; API keys are not accepted here.");
    }
    if (!SAFE_METHODS.has(req.method)) assertSameOrigin(req);
    const session = await auth();
    if (!session?.user?.accountId) {
      throw new ApiError("unauthorized", "This endpoint requires a dashboard session. Sign in first.");
    }
    const account = await getAccount(session.user.accountId);
    if (!account) throw new ApiError("unauthorized", "Your session is no longer valid. Sign in again.");
    return handler(req, { account, user: session.user, params });
  });
}

/** `/api/v1` routes: `Authorization: Bearer <key>` or `X-API-Key: <key>`; a cookie alone is not enough. */
export function withApiKey<P extends Params = Params>(
  handler: (req: Request, ctx: ApiKeyContext<P>) => Promise<Response>,
) {
  return withPublic<P>(async (req, { params }) => {
    const key = presentedApiKey(req);
    if (key === null) {
      throw new ApiError(
        "unauthorized",
        "This endpoint requires an API key: send `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
      );
    }
    // An address that keeps presenting bad keys is refused before the lookup (429), good keys too.
    const ip = clientIp(req.headers);
    await assertApiKeyFailuresUnderLimit(ip);
    const found = await authenticateApiKey(key);
    if (!found) {
      await countApiKeyFailure(ip);
      throw new ApiError("unauthorized", "The API key is invalid or has been revoked.");
    }
    await limitApiKey(found.apiKey.id);
    return handler(req, { account: found.account, apiKey: found.apiKey, params });
  });
}

function presentedApiKey(req: Request): string | null {
  const header = req.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1]! : header;
  }
  return req.headers.get("x-api-key");
}

// A mutation from another site riding on the session cookie is refused (CSRF). The Origin must
// be the app's: AUTH_URL's when set; else the Host the request came to, or X-Forwarded-Host only
// when a proxy we trust wrote it (TRUST_PROXY_HOPS, Vercel) — a client can send that header too.
function assertSameOrigin(req: Request) {
  if (req.headers.get("sec-fetch-site") === "cross-site") throw crossSite();
  const origin = req.headers.get("origin");
  if (!origin) return;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    throw crossSite();
  }
  const { appOrigin, clientAddress } = getConfig();
  if (appOrigin) {
    if (parsed.origin !== appOrigin) throw crossSite();
    return;
  }
  const proxied = clientAddress.trustProxyHops > 0 || clientAddress.vercel;
  const forwardedHost = proxied ? req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  const host = forwardedHost || req.headers.get("host") || new URL(req.url).host;
  if (parsed.host !== host) throw crossSite();
}

function crossSite() {
  return new ApiError("forbidden", "Cross-site requests are not allowed on this endpoint.");
}
