// The one way client components talk to the JSON API: JSON in and out, and the error envelope
// (`{ error: { code, message, details } }`) turned into an ApiClientError forms can render inline.

export type FieldErrors = Record<string, string[]>;

export class ApiClientError extends Error {
  override name = "ApiClientError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: FieldErrors = {},
    readonly formErrors: string[] = [],
  ) {
    super(message);
  }

  /** The first message for a field (`"url"`, `"events.0"`), if the API sent one. */
  fieldError(field: string): string | undefined {
    return this.fieldErrors[field]?.[0];
  }
}

export type ApiInit = Omit<RequestInit, "body"> & { body?: unknown };

/** `apiFetch<T>("/api/webhooks", { method: "POST", body: { url } })`; 204 resolves to undefined. */
export async function apiFetch<T>(path: string, init: ApiInit = {}): Promise<T> {
  const { body, headers, ...rest } = init;
  const requestHeaders = new Headers(headers);
  requestHeaders.set("accept", "application/json");
  if (body !== undefined) requestHeaders.set("content-type", "application/json");

  let res: Response;
  try {
    res = await fetch(path, {
      credentials: "same-origin",
      ...rest,
      headers: requestHeaders,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiClientError(0, "network_error", "Could not reach the server. Check your connection and try again.");
  }

  if (res.status === 204) return undefined as T;
  const payload: unknown = await res.json().catch(() => null);
  if (res.ok) return payload as T;
  throw toClientError(res.status, payload);
}

function toClientError(status: number, payload: unknown): ApiClientError {
  const envelope = isRecord(payload) && isRecord(payload.error) ? payload.error : null;
  const code = typeof envelope?.code === "string" ? envelope.code : status >= 500 ? "internal" : "http_error";
  const message =
    typeof envelope?.message === "string"
      ? envelope.message
      : status >= 500
        ? "Something went wrong on our side. Please try again."
        : `The request failed (HTTP ${status}).`;
  const details = isRecord(envelope?.details) ? envelope.details : {};
  return new ApiClientError(status, code, message, readFieldErrors(details.fieldErrors), readStrings(details.formErrors));
}

function readFieldErrors(value: unknown): FieldErrors {
  if (!isRecord(value)) return {};
  const out: FieldErrors = {};
  for (const [key, messages] of Object.entries(value)) {
    const list = readStrings(messages);
    if (list.length > 0) out[key] = list;
  }
  return out;
}

function readStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A message for any thrown value, for toasts and banners. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return "Something went wrong. Please try again.";
}
