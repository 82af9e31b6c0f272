import "server-only";
import ms from "ms";
import { z } from "zod";

// Every operator setting, read from env only (API.md "Operator settings"). Parsed lazily on
// first use, never on import, so `next build` needs none of them.

const bool = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

const delays = z
  .string()
  .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, "a comma-separated list of milliseconds, e.g. 60000,300000,1500000")
  .transform((v) => v.split(",").map((n) => Number(n.trim())));

// How many attempts run at once. Read on their own too (deliveryConcurrency): the Inngest
// function declares the same limits when it is defined, before any other setting is needed.
const concurrencySchema = z.object({
  WEBHOOK_CONCURRENCY: z.coerce.number().int().positive().max(1000).default(32),
  WEBHOOK_CONCURRENCY_PER_ENDPOINT: z.coerce.number().int().positive().max(1000).default(4),
  WEBHOOK_CONCURRENCY_PER_ACCOUNT: z.coerce.number().int().positive().max(1000).default(8),
});

// A duration: a number of milliseconds, or a number with a unit as `ms` reads it ("3d", "12h",
// "30m", "45s", "2 days").
const duration = z.string().trim().transform((v, ctx) => {
  const parsed = /^\d+$/.test(v) ? Number(v) : v ? ms(v as ms.StringValue) : undefined;
  if (typeof parsed !== "number" || !Number.isFinite(parsed) || parsed < 1) {
    ctx.addIssue({ code: "custom", message: 'a duration: milliseconds or a number with a unit, e.g. "3d", "12h", "90m"' });
    return z.NEVER;
  }
  return Math.round(parsed);
});

// Connections in one pool; empty (as in .env.example) means the default.
const poolSize = z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().positive().max(500).default(10));

const envSchema = z.object({
  ...concurrencySchema.shape,
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().trim().optional().transform((v) => (v ? v : undefined)),
  // Connections per process (PostgreSQL): the requests' pool, and the delivery engine's own.
  DATABASE_POOL_MAX: poolSize,
  DATABASE_DELIVERY_POOL_MAX: poolSize,
  AUTH_SECRET: z.string().optional(),
  AUTH_URL: z.string().url().optional(),
  AUTH_TRUST_HOST: bool.optional(),
  WEBHOOK_ENGINE: z.enum(["embedded", "inngest"]).optional(),
  // false: the web server runs no embedded delivery worker; `npm run worker` processes deliver.
  WEBHOOK_SERVER_WORKER: bool.optional(),
  INNGEST_EVENT_KEY: z.string().optional(),
  INNGEST_DEV: z.string().optional(),
  WEBHOOK_RETRY_DELAYS_MS: delays.default([60_000, 300_000, 1_500_000]),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().max(120_000).default(15_000),
  // A dead host or a receiver that never answers frees its slot sooner than the whole timeout.
  WEBHOOK_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().max(120_000).default(5_000),
  WEBHOOK_FIRST_BYTE_TIMEOUT_MS: z.coerce.number().int().positive().max(120_000).default(10_000),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.optional(),
  WEBHOOK_SECRET_KEY: z.string().optional(),
  // An endpoint whose every delivery has failed for this long is disabled (lib/webhooks/endpoint-policy.ts).
  WEBHOOK_DISABLE_AFTER: duration.default(3 * 86_400_000),
  WEBHOOK_MAX_RETRY_AFTER_MS: z.coerce.number().int().nonnegative().default(3_600_000),
  // Finished deliveries (and their attempts and orphaned events) older than this are pruned.
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().positive().max(3650).default(30),
  DEMO_SEED: bool.optional(),
  // Operational notices by mail (lib/webhooks/notices.ts); without SMTP_URL they go to the log.
  SMTP_URL: z.string().trim().optional().transform((v) => (v ? v : undefined)),
  EMAIL_FROM: z.string().trim().min(1).default("PartnersMy Webhooks <webhooks@partnersmy.localhost>"),
  // The dashboard's public address, for links in mail; defaults to AUTH_URL's origin.
  APP_URL: z.string().url().optional(),
  // Rate limits (lib/api/rate-limit.ts); 0 turns one off.
  RATE_LIMIT_API_KEY_PER_MINUTE: z.coerce.number().int().nonnegative().default(600),
  RATE_LIMIT_TEST_SENDS_PER_MINUTE: z.coerce.number().int().nonnegative().default(20),
  RATE_LIMIT_ROTATIONS_PER_HOUR: z.coerce.number().int().nonnegative().default(10),
  RATE_LIMIT_SIGNIN_PER_ADDRESS_15M: z.coerce.number().int().nonnegative().default(30),
  RATE_LIMIT_SIGNIN_PER_ACCOUNT: z.coerce.number().int().nonnegative().default(5),
  RATE_LIMIT_SIGNUP_PER_HOUR: z.coerce.number().int().nonnegative().default(20),
  RATE_LIMIT_API_KEY_FAILURES_PER_MINUTE: z.coerce.number().int().nonnegative().default(60),
  API_KEYS_MAX_PER_ACCOUNT: z.coerce.number().int().positive().max(1000).default(20),
  // The event stream of `partnersmy listen` (lib/cli/event-stream.ts). It ends itself after
  // EVENT_STREAM_MAX_SECONDS (the client resumes), which must stay under the route's Vercel
  // maxDuration (300 s, app/api/v1/events/stream/route.ts).
  EVENT_STREAM_MAX_SECONDS: z.coerce.number().int().min(5).max(290).default(240),
  EVENT_STREAM_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(60).default(15),
  EVENT_STREAM_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  // Where the client's address comes from (lib/api/client-address.ts).
  TRUST_PROXY_HOPS: z.coerce.number().int().nonnegative().max(10).default(0),
  VERCEL: z.string().optional(),
  // Set by server.mjs (npm start) in its own process, never by an operator: the socket-address
  // header it writes can be believed.
  PARTNERSMY_SOCKET_ADDRESS_HEADER: z.string().optional(),
});

export type Config = ReturnType<typeof parseConfig>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

function invalid(error: z.ZodError): ConfigError {
  const lines = error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  return new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}

export function parseConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw invalid(parsed.error);
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const problems: string[] = [];
  // In production each of these is a hole, not a default: say exactly what to set.
  if (production) {
    if (!e.DATABASE_URL)
      problems.push("DATABASE_URL is not set: point it at PostgreSQL (postgres://user:pass@host:5432/db).");
    if (!e.AUTH_SECRET) problems.push("AUTH_SECRET is not set: generate one with `openssl rand -base64 32`.");
    if (!e.AUTH_URL && !e.AUTH_TRUST_HOST)
      problems.push("Neither AUTH_URL nor AUTH_TRUST_HOST=true is set: next-auth cannot trust the request host.");
    if (!e.WEBHOOK_SECRET_KEY)
      problems.push("WEBHOOK_SECRET_KEY is not set: it encrypts signing secrets at rest (`openssl rand -base64 32`).");
  }
  if (problems.length) throw new ConfigError(`Missing production settings:\n  ${problems.join("\n  ")}`);

  const engine = e.WEBHOOK_ENGINE ?? (e.INNGEST_EVENT_KEY || e.INNGEST_DEV ? "inngest" : "embedded");
  return {
    env: e.NODE_ENV,
    production,
    // "pglite://<dir>" or "pglite://memory" choose the embedded database explicitly.
    databaseUrl: e.DATABASE_URL,
    poolMax: e.DATABASE_POOL_MAX,
    deliveryPoolMax: e.DATABASE_DELIVERY_POOL_MAX,
    authSecret: e.AUTH_SECRET ?? "dev-only-auth-secret-not-for-production",
    engine,
    serverWorker: e.WEBHOOK_SERVER_WORKER ?? true,
    retryDelaysMs: e.WEBHOOK_RETRY_DELAYS_MS,
    timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    connectTimeoutMs: e.WEBHOOK_CONNECT_TIMEOUT_MS,
    firstByteTimeoutMs: e.WEBHOOK_FIRST_BYTE_TIMEOUT_MS,
    concurrency: concurrencyOf(e),
    allowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? !production,
    secretKey: e.WEBHOOK_SECRET_KEY ?? "dev-only-webhook-secret-key-not-for-production",
    disableAfterMs: e.WEBHOOK_DISABLE_AFTER,
    maxRetryAfterMs: e.WEBHOOK_MAX_RETRY_AFTER_MS,
    retentionDays: e.WEBHOOK_RETENTION_DAYS,
    smtpUrl: e.SMTP_URL,
    emailFrom: e.EMAIL_FROM,
    // The app's public URL: links in notices; an https one turns on HSTS (lib/security).
    appUrl: (e.APP_URL ?? (e.AUTH_URL ? new URL(e.AUTH_URL).origin : "http://localhost:3000")).replace(/\/+$/, ""),
    demoSeed: e.DEMO_SEED ?? e.NODE_ENV === "development",
    rateLimits: {
      apiKeyPerMinute: e.RATE_LIMIT_API_KEY_PER_MINUTE,
      testSendsPerMinute: e.RATE_LIMIT_TEST_SENDS_PER_MINUTE,
      rotationsPerHour: e.RATE_LIMIT_ROTATIONS_PER_HOUR,
      signInFailuresPerAddressPer15Minutes: e.RATE_LIMIT_SIGNIN_PER_ADDRESS_15M,
      signInFailuresPerAccount: e.RATE_LIMIT_SIGNIN_PER_ACCOUNT,
      signUpPerHour: e.RATE_LIMIT_SIGNUP_PER_HOUR,
      apiKeyFailuresPerMinute: e.RATE_LIMIT_API_KEY_FAILURES_PER_MINUTE,
    },
    maxApiKeysPerAccount: e.API_KEYS_MAX_PER_ACCOUNT,
    eventStream: {
      maxMs: e.EVENT_STREAM_MAX_SECONDS * 1000,
      heartbeatMs: e.EVENT_STREAM_HEARTBEAT_SECONDS * 1000,
      pollMs: e.EVENT_STREAM_POLL_MS,
    },
    clientAddress: {
      trustProxyHops: e.TRUST_PROXY_HOPS,
      vercel: Boolean(e.VERCEL),
      socketHeaderTrusted: e.PARTNERSMY_SOCKET_ADDRESS_HEADER === "1",
    },
    // Mutations must come from this origin when set (the CSRF check); else from the request's host.
    appOrigin: e.AUTH_URL ? new URL(e.AUTH_URL).origin : null,
  };
}

export type ConcurrencyConfig = ReturnType<typeof concurrencyOf>;

function concurrencyOf(e: z.infer<typeof concurrencySchema>) {
  return {
    /** Attempts in flight in one worker (accounts within their share; see worker.ts). */
    total: e.WEBHOOK_CONCURRENCY,
    perEndpoint: e.WEBHOOK_CONCURRENCY_PER_ENDPOINT,
    /** An account's guaranteed share; past it an account only uses slots nobody else wants. */
    perAccount: e.WEBHOOK_CONCURRENCY_PER_ACCOUNT,
  };
}

/**
 * The concurrency limits alone, for the Inngest function's definition (it is built at import,
 * also during `next build`): no production checks, only these three settings and their defaults.
 */
export function deliveryConcurrency(env: Record<string, string | undefined> = process.env): ConcurrencyConfig {
  const parsed = concurrencySchema.safeParse(env);
  if (!parsed.success) throw invalid(parsed.error);
  return concurrencyOf(parsed.data);
}

let cached: Config | undefined;

export function getConfig(): Config {
  cached ??= parseConfig();
  return cached;
}

// Tests change env between cases (e.g. retry delays); they call this after doing so.
export function resetConfigForTests() {
  cached = undefined;
}
