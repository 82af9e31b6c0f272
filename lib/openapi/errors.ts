import { z } from "zod";
import type { ZodOpenApiResponseObject } from "zod-openapi";
import { ERROR_STATUS, type ErrorCode } from "@/lib/api/errors";

// The one error envelope (API.md "Errors") and what each code means in general; routes add
// their own situations in ./routes.ts.

export const isErrorCode = (code: string): code is ErrorCode => code in ERROR_STATUS;
/** Every error code, by status. */
export const ERROR_CODES: ErrorCode[] = Object.keys(ERROR_STATUS).filter(isErrorCode);

export const errorEnvelope = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).meta({ description: "Stable machine-readable code; see the table in the docs." }),
      message: z.string().meta({ description: "A sentence for people; may change." }),
      details: z.unknown().optional().meta({
        description: '422: zod field errors `{ fieldErrors: { "events.0": ["…"] }, formErrors: ["…"] }`.',
      }),
    }),
  })
  .meta({ id: "Error", description: "The one error envelope of every JSON endpoint." });

export const ERROR_DESCRIPTIONS: Record<ErrorCode, string> = {
  bad_request: "The body is not JSON (or not UTF-8), or a header such as Idempotency-Key is malformed.",
  unauthorized: "No credentials, or the wrong kind: a session where an API key is needed or the other way round; revoked key.",
  forbidden: "Authenticated but not allowed: e.g. an affiliate creating a program, or a cross-site request on a session endpoint.",
  not_found: "No such resource in your account (another account's resource is also 404, never 403), or no such route.",
  method_not_allowed: "The route exists but does not take this method; the Allow header lists the ones it takes.",
  conflict: "The state does not allow it: e.g. approving a conversion that is not pending, applying twice.",
  payload_too_large: "The request body is over 1 MiB.",
  unprocessable: "The body or query failed validation; `details.fieldErrors` says which field and why.",
  rate_limited: "Too many requests; wait for the Retry-After seconds.",
  internal: "Our fault. The message is generic; the cause is in our logs.",
};

export function errorResponse(code: ErrorCode, description?: string): ZodOpenApiResponseObject {
  return {
    description: description ?? ERROR_DESCRIPTIONS[code],
    content: { "application/json": { schema: errorEnvelope } },
    ...(code === "rate_limited"
      ? { headers: { "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } } } }
      : {}),
  };
}
