import { useTranslations } from "next-intl";
import { ApiClientError } from "@/lib/client/api";
import type { ErrorCode } from "@/lib/api/errors";

// The dashboard's words for an API error: one translated message per error `code` (the
// server's `message` is English for machines and logs, as Stripe's are). A screen can give its
// own sentence for a code whose meaning it knows better ("conflict" on a replay = still pending).

type ClientCode = ErrorCode | "network_error" | "http_error";
const CODES: readonly ClientCode[] = [
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "payload_too_large",
  "unprocessable",
  "rate_limited",
  "internal",
  "network_error",
  "http_error",
];

export type ErrorOverrides = Partial<Record<ClientCode, string>>;

export function errorCode(err: unknown): ClientCode | null {
  if (!(err instanceof ApiClientError)) return null;
  return CODES.find((c) => c === err.code) ?? "http_error";
}

/** `const message = useErrorMessage(); message(mutation.error)` — never the server's English. */
export function useErrorMessage(): (err: unknown, overrides?: ErrorOverrides) => string {
  const t = useTranslations("apiErrors");
  return (err, overrides) => {
    const code = errorCode(err);
    if (!code) return t("unknown");
    return overrides?.[code] ?? t(code);
  };
}
