// drizzle wraps driver errors (postgres.js and PGlite alike) with the original as `cause`.
function* codesOf(err: unknown): Generator<string> {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") yield code;
  }
}

/** The SQLSTATE of a database error, if it is one. */
function pgCode(err: unknown): string | undefined {
  for (const code of codesOf(err)) if (/^[0-9A-Z]{5}$/.test(code)) return code;
  return undefined;
}

export function isUniqueViolation(err: unknown): boolean {
  return pgCode(err) === "23505";
}

// Worth trying again: the connection went away (a restart, a failover), the server is starting
// or shutting down, or the statement lost a deadlock or serialization race. Not our own pool
// being closed (postgres.js CONNECTION_ENDED / CONNECTION_DESTROYED): nothing brings that back.
const TRANSIENT_SQLSTATES = ["57P01", "57P02", "57P03", "40P01", "40001"];
const TRANSIENT_DRIVER_CODES = ["CONNECTION_CLOSED", "CONNECT_TIMEOUT", "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT"];

export function isTransientDbError(err: unknown): boolean {
  const state = pgCode(err);
  if (state) return state.startsWith("08") || TRANSIENT_SQLSTATES.includes(state);
  return [...codesOf(err)].some((code) => TRANSIENT_DRIVER_CODES.includes(code));
}
