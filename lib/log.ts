// Structured one-line JSON logs; errors keep their stack. Quiet under tests unless LOG_LEVEL says so.
type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function threshold(): number {
  const fallback = process.env.NODE_ENV === "test" ? "error" : "info";
  const level = (process.env.LOG_LEVEL ?? fallback) as Level;
  return ORDER[level] ?? ORDER.info;
}

function serialise(fields: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = v instanceof Error ? serialiseError(v) : v;
  }
  return out;
}

// drizzle's query errors say "Failed query: <sql>\nparams: <values>" in their message and stack;
// the values are what clients sent (emails, URLs, secrets' ciphertexts), so they stay out of
// the log. The SQL and the database's own error are what a fix needs; PostgreSQL quotes the
// offending value in its message (`invalid input syntax for type integer: "…"`), so quoted
// text is masked there too.
function serialiseError(err: Error) {
  if (!("query" in err && "params" in err)) return { name: err.name, message: err.message, stack: err.stack };
  const message = err.message.replace(/\nparams: [\s\S]*$/, "");
  const cause = err.cause instanceof Error ? err.cause : undefined;
  return {
    name: err.name,
    message,
    stack: err.stack?.replace(err.message, message),
    cause: cause && { name: cause.name, message: cause.message.replace(/"[^"]*"/g, '"…"'), code: (cause as { code?: unknown }).code },
  };
}

function write(level: Level, msg: string, fields: Record<string, unknown> = {}) {
  if (ORDER[level] < threshold()) return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg, ...serialise(fields) });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};
