import pino, { type DestinationStream, type Logger } from "pino";

// Structured one-line JSON logs through pino; errors keep their stack, secrets never get out.
// Quiet under tests unless LOG_LEVEL says so. Warnings and errors go to stderr, the rest to stdout.
type Level = "debug" | "info" | "warn" | "error";
type Fields = Record<string, unknown>;

// Values under these keys are replaced wherever they sit, up to three levels down (a request's
// `headers.cookie`, a `webhook.secret`, an `input.password`…).
const SECRET_KEYS = [
  "authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "apiKey",
  "api_key",
  "key",
  "secret",
  "secrets",
  "signingSecret",
  "previousSecret",
  "password",
  "passwordHash",
  "token",
  "accessToken",
  "refreshToken",
  "sessionToken",
  "csrfToken",
];
export const REDACTED = "[redacted]";
export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => {
  const k = `["${key}"]`;
  return [k, `*${k}`, `*.*${k}`, `*.*.*${k}`];
});

function defaultLevel(): Level {
  const fallback = process.env.NODE_ENV === "test" ? "error" : "info";
  const level = process.env.LOG_LEVEL || fallback;
  return (["debug", "info", "warn", "error"] as const).find((l) => l === level) ?? "info";
}

// drizzle's query errors say "Failed query: <sql>\nparams: <values>" in their message and stack;
// the values are what clients sent (emails, URLs, secrets' ciphertexts), so they stay out of
// the log. The SQL and the database's own error are what a fix needs; PostgreSQL quotes the
// offending value in its message (`invalid input syntax for type integer: "…"`), so quoted
// text is masked there too.
function serialiseError(err: unknown) {
  if (!(err instanceof Error && "query" in err && "params" in err)) return pino.stdSerializers.errWithCause(err as Error);
  const message = err.message.replace(/\nparams: [\s\S]*$/, "");
  const cause = err.cause instanceof Error ? err.cause : undefined;
  return {
    name: err.name,
    message,
    stack: err.stack?.replace(err.message, message),
    cause: cause && { name: cause.name, message: cause.message.replace(/"[^"]*"/g, '"…"'), code: (cause as { code?: unknown }).code },
  };
}

function createLogger(destination: DestinationStream | undefined, level: Level): Logger {
  const out =
    destination ??
    pino.multistream(
      [
        { level: "debug", stream: pino.destination({ dest: 1, sync: true }) },
        { level: "warn", stream: pino.destination({ dest: 2, sync: true }) },
      ],
      { dedupe: true },
    );
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: serialiseError },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
    },
    out,
  );
}

/**
 * `log.info(msg, fields)` and friends, writing to `destination` (default: stdout, warnings and
 * errors to stderr). The logger is made on first use, so a script that sets LOG_LEVEL after its
 * imports still gets its level.
 */
export function createLog(destination?: DestinationStream, level?: Level) {
  let logger: Logger | undefined;
  const write = (at: Level) => (msg: string, fields: Fields = {}) => {
    logger ??= createLogger(destination, level ?? defaultLevel());
    logger[at](fields, msg);
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

export const log = createLog();
