import ms from "ms";
import { z } from "zod";

// Why an attempt, a delivery or an endpoint ended the way it did, as a stable machine code with
// its parameters, stored beside the English text (which the API keeps for machines and logs).
// The dashboard and the notice mails word the code in their reader's language
// (messages: `causes.failure.<code>`, `causes.disabled.<code>`); the English text is never shown to a
// reader outside the API. This module is the one place that turns a send outcome into its cause;
// it is client-safe (zod and ms only).

/** Why an attempt failed (attempt `errorCause`, the endpoint's `lastErrorCause`, a delivery's `lastErrorCause`). */
export const FAILURE_CAUSES = [
  "http_status",
  "redirect_not_followed",
  "timeout",
  "connect_timeout",
  "first_byte_timeout",
  "connection_refused",
  "connection_reset",
  "connection_closed",
  "dns_failure",
  "unreachable",
  "tls_error",
  "blocked_address",
  "invalid_url",
  "unsupported_scheme",
  "network_error",
  "no_answer",
  "secret_unreadable",
  "headers_unreadable",
  "discarded_held",
] as const;
export type FailureCauseCode = (typeof FAILURE_CAUSES)[number];

/** Why an endpoint was disabled (`disabledReasonCause`). */
export const DISABLE_REASONS = ["failing_too_long", "gone", "manual"] as const;
export type DisableReasonCode = (typeof DISABLE_REASONS)[number];

/** The parameters each code's message needs. Dates are ISO 8601 strings, durations numbers. */
export interface CauseParams {
  http_status: { status: number };
  redirect_not_followed: { location: string };
  timeout: { seconds: number };
  connect_timeout: { host: string; seconds: number };
  first_byte_timeout: { host: string; seconds: number };
  connection_refused: { host: string };
  connection_reset: { host: string };
  connection_closed: { host: string };
  dns_failure: { host: string };
  unreachable: { host: string };
  tls_error: { host: string; detail: string };
  blocked_address: { host: string };
  invalid_url: Record<string, never>;
  unsupported_scheme: { scheme: string };
  network_error: { host: string; detail: string };
  no_answer: Record<string, never>;
  secret_unreadable: Record<string, never>;
  headers_unreadable: Record<string, never>;
  discarded_held: Record<string, never>;
  failing_too_long: { windowMs: number; since: string };
  gone: { at: string };
  manual: Record<string, never>;
}

const causeParamsSchema = z
  .record(z.string(), z.union([z.string(), z.number()]))
  .meta({ description: "The values the code's message is worded with (e.g. `status`, `seconds`, `host`)." });

export const failureCauseSchema = z
  .object({
    code: z.enum(FAILURE_CAUSES).meta({ description: "A stable code for why it failed." }),
    params: causeParamsSchema,
  })
  .meta({
    id: "FailureCause",
    description:
      "Why it failed, as a stable code and its parameters (the English text beside it is for people reading logs): http_status {status}, timeout {seconds}, connect_timeout/first_byte_timeout {host, seconds}, connection_refused/connection_reset/connection_closed/dns_failure/unreachable/blocked_address {host}, tls_error/network_error {host, detail}, redirect_not_followed {location}, unsupported_scheme {scheme}, invalid_url, no_answer, secret_unreadable, headers_unreadable, discarded_held.",
  });

export const disableReasonCauseSchema = z
  .object({
    code: z.enum(DISABLE_REASONS).meta({ description: "A stable code for why the endpoint was disabled." }),
    params: causeParamsSchema,
  })
  .meta({
    id: "DisableReasonCause",
    description:
      "Why it was disabled, as a stable code and its parameters: failing_too_long {windowMs, since} (every delivery failed for WEBHOOK_DISABLE_AFTER), gone {at} (answered 410 Gone), manual (by you).",
  });

export type FailureCause = z.infer<typeof failureCauseSchema>;
export type DisableReasonCause = z.infer<typeof disableReasonCauseSchema>;
/** Any stored cause: what the readers' wording is chosen by. */
export type StoredCause = { code: FailureCauseCode | DisableReasonCode; params: Record<string, string | number> };

/** A cause with its English text, as the engine writes both. */
export type Described<C> = { cause: C; text: string };

const ENGLISH: { [C in keyof CauseParams]: (p: CauseParams[C]) => string } = {
  http_status: (p) => `Receiver answered HTTP ${p.status}`,
  redirect_not_followed: (p) => `Redirect to ${p.location} not followed; answer 2xx at the configured URL`,
  timeout: (p) => `Timed out after ${Math.round(p.seconds * 1000)} ms`,
  connect_timeout: (p) => `Could not connect to ${p.host} within ${Math.round(p.seconds * 1000)} ms (connect timeout)`,
  first_byte_timeout: (p) => `No answer from ${p.host} within ${Math.round(p.seconds * 1000)} ms of connecting (first-byte timeout)`,
  connection_refused: (p) => `Connection refused by ${p.host}`,
  connection_reset: (p) => `Connection reset by ${p.host} before it answered`,
  connection_closed: (p) => `Connection closed by ${p.host} before it answered`,
  dns_failure: (p) => `Could not resolve ${p.host}`,
  unreachable: (p) => `${p.host} is unreachable`,
  tls_error: (p) => `TLS connection to ${p.host} failed: ${p.detail}`,
  // The SSRF guard's own sentence is more precise (which range); see blockedAddress.
  blocked_address: (p) => `Refused to connect to ${p.host}: private targets are not allowed`,
  invalid_url: () => "Invalid URL",
  unsupported_scheme: (p) => `Unsupported URL scheme ${p.scheme}`,
  network_error: (p) => p.detail,
  no_answer: () => "No answer",
  secret_unreadable: () =>
    "Not sent: the endpoint's signing secret could not be decrypted (was WEBHOOK_SECRET_KEY changed?). Rotate the secret with no grace period, then replay.",
  headers_unreadable: () =>
    "Not sent: the endpoint's custom header values could not be decrypted (was WEBHOOK_SECRET_KEY changed?). Set the headers again, then replay.",
  discarded_held: () => "Not sent: held while the endpoint was disabled and discarded when it was re-enabled.",
  failing_too_long: (p) =>
    `Disabled automatically: every delivery failed for ${describeWindowEnglish(p.windowMs)} (since ${p.since}). Fix the endpoint, then re-enable it: held events will be sent.`,
  gone: (p) =>
    `Disabled automatically: the endpoint answered 410 Gone on ${p.at}. Re-enable it once the URL accepts webhooks again.`,
  manual: () => "Disabled from the dashboard.",
};

/** A failure cause and its English text. */
export function failure<C extends FailureCauseCode>(code: C, params: CauseParams[C], text = ENGLISH[code](params as never)): Described<FailureCause> {
  return { cause: { code, params }, text };
}

/** A disable reason and its English text. */
export function disableReason<C extends DisableReasonCode>(code: C, params: CauseParams[C]): Described<DisableReasonCause> {
  return { cause: { code, params }, text: ENGLISH[code](params as never) };
}

// --- Send outcomes -------------------------------------------------------------------------------

/** An answer that is not a success: a redirect (never followed) or any other non-2xx status; null for 2xx. */
export function causeOfResponse(statusCode: number, location: string | undefined): Described<FailureCause> | null {
  if (statusCode >= 200 && statusCode < 300) return null;
  if (statusCode >= 300 && statusCode < 400) return failure("redirect_not_followed", { location: location ?? "(no Location)" });
  return failure("http_status", { status: statusCode });
}

/** The attempt's deadline, the connect deadline, or the first-byte deadline ran out. */
export function causeOfTimeout(kind: "attempt" | "connect" | "first_byte", host: string, timeoutMs: number): Described<FailureCause> {
  const seconds = timeoutMs / 1000;
  if (kind === "connect") return failure("connect_timeout", { host, seconds });
  if (kind === "first_byte") return failure("first_byte_timeout", { host, seconds });
  return failure("timeout", { seconds });
}

/** The SSRF guard refused the address; its sentence (which range, which name) is kept as the text. */
export function blockedAddress(host: string, guardMessage: string): Described<FailureCause> {
  return failure("blocked_address", { host }, guardMessage);
}

// Node's codes for a failed TLS handshake or certificate check.
const TLS_ERROR = /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_|ERR_OSSL_)/;

/** A request that failed before an answer (the socket's error). */
export function causeOfNetworkError(err: NodeJS.ErrnoException, url: URL): Described<FailureCause> {
  const host = url.host;
  // Node reports a connection closed before the answer as ECONNRESET too; its message tells.
  if (err.message === "socket hang up") return failure("connection_closed", { host });
  switch (err.code) {
    case "ECONNREFUSED":
      return failure("connection_refused", { host });
    case "ECONNRESET":
      return failure("connection_reset", { host });
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return failure("dns_failure", { host: url.hostname });
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return failure("unreachable", { host });
  }
  const detail = err.code ? `${err.code}: ${err.message}` : err.message;
  if (err.code && TLS_ERROR.test(err.code)) return failure("tls_error", { host, detail });
  return failure("network_error", { host, detail });
}

/** "3 days", "1 minute", "90 ms": as the English reasons have always said it. */
function describeWindowEnglish(windowMs: number): string {
  return ms(windowMs, { long: true });
}
