import { disableReason, DISABLE_REASONS, failure, FAILURE_CAUSES, type CauseParams } from "@/lib/webhooks/failure-causes";

// One sample of every cause code's parameters (tests): adding a code without its sample does not
// compile. Also the English the engine writes for them, for the e2e check that a Spanish page
// shows none of it.

export const CAUSE_SAMPLES: { [C in keyof CauseParams]: CauseParams[C] } = {
  http_status: { status: 500 },
  redirect_not_followed: { location: "https://x.example/" },
  timeout: { seconds: 15 },
  connect_timeout: { host: "h.example", seconds: 5 },
  first_byte_timeout: { host: "h.example", seconds: 10 },
  connection_refused: { host: "h.example" },
  connection_reset: { host: "h.example" },
  connection_closed: { host: "h.example" },
  dns_failure: { host: "h.example" },
  unreachable: { host: "h.example" },
  tls_error: { host: "h.example", detail: "CERT_HAS_EXPIRED" },
  blocked_address: { host: "10.0.0.1" },
  invalid_url: {},
  unsupported_scheme: { scheme: "ftp:" },
  network_error: { host: "h.example", detail: "EPIPE" },
  no_answer: {},
  secret_unreadable: {},
  headers_unreadable: {},
  discarded_held: {},
  failing_too_long: { windowMs: 3 * 86_400_000, since: "2026-01-12T10:30:00.000Z" },
  gone: { at: "2026-01-12T10:30:00.000Z" },
  manual: {},
};

/** The fixed runs of words (three or more) of every English text the engine writes, without its parameters. */
export function engineEnglishSentences(): string[] {
  const texts = [
    ...FAILURE_CAUSES.map((code) => ({ text: failure(code, CAUSE_SAMPLES[code] as never).text, params: CAUSE_SAMPLES[code] })),
    ...DISABLE_REASONS.map((code) => ({ text: disableReason(code, CAUSE_SAMPLES[code] as never).text, params: CAUSE_SAMPLES[code] })),
  ];
  const out = new Set<string>();
  for (const { text, params } of texts) {
    let rest = text;
    for (const value of Object.values(params)) rest = rest.split(String(value)).join("\u0000");
    for (const run of rest.split(/\u0000|\d+ ms|\d+ days?/)) {
      const words = run.replace(/^[\s.;:(),]+|[\s.;:(),]+$/g, "");
      if (words.split(/\s+/).filter((w) => /[A-Za-z]{2,}/.test(w)).length >= 3) out.add(words);
    }
  }
  return [...out];
}
