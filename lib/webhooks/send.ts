import "server-only";
import http from "node:http";
import https from "node:https";
import { getConfig } from "@/lib/config";
import { blockedAddress, causeOfNetworkError, causeOfResponse, causeOfTimeout, failure as causeOf, type Described, type FailureCause } from "./failure-causes";
import { assertAllowedHost, createGuardedLookup, SsrfError } from "./ssrf";

// One HTTP attempt: POST the body, never follow a redirect, keep at most 16 KiB of the answer.
// Three deadlines: the connection (DNS, TCP, TLS) must be open within the connect timeout, the
// answer must start (status line and headers) within the first-byte timeout after that, and the
// whole attempt ends at the attempt timeout — so a dead host or a receiver that accepts and never
// answers frees its slot in seconds. It never throws: every way of failing becomes an `error`.

export const RESPONSE_EXCERPT_BYTES = 16 * 1024;
// Past the excerpt we keep reading (and discarding) so the socket can be reused, up to this.
const DRAIN_LIMIT_BYTES = 1024 * 1024;

export interface SendInput {
  url: string;
  headers: Record<string, string>;
  /** The endpoint's custom headers; `headers` (ours) win over them. */
  extraHeaders?: Record<string, string>;
  body: string;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  firstByteTimeoutMs?: number;
  allowPrivate?: boolean;
}

export interface SendResult {
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  /** `error` as a stable code and its parameters (failure-causes.ts), for the readers' languages. */
  errorCause: FailureCause | null;
  responseBodyExcerpt: string | null;
  retryAfter: string | null;
}

// Keep-alive pools, one per SSRF mode: a pooled socket was checked under the mode it was opened in.
const agents = new Map<string, http.Agent>();
function agentFor(protocol: string, allowPrivate: boolean): http.Agent {
  const key = `${protocol}${allowPrivate}`;
  let agent = agents.get(key);
  if (!agent) {
    const options = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: "lifo" as const };
    agent = protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
    agents.set(key, agent);
  }
  return agent;
}

export async function sendWebhook(input: SendInput): Promise<SendResult> {
  const config = getConfig();
  const timeoutMs = input.timeoutMs ?? config.timeoutMs;
  const connectTimeoutMs = input.connectTimeoutMs ?? config.connectTimeoutMs;
  const firstByteTimeoutMs = input.firstByteTimeoutMs ?? config.firstByteTimeoutMs;
  const allowPrivate = input.allowPrivate ?? config.allowPrivateTargets;
  const startedAt = new Date();
  const t0 = performance.now();
  const done = (r: Omit<SendResult, "startedAt" | "durationMs">): SendResult => ({
    startedAt,
    durationMs: Math.round(performance.now() - t0),
    ...r,
  });
  const failure = ({ cause, text }: Described<FailureCause>): SendResult =>
    done({ statusCode: null, error: text, errorCause: cause, responseBodyExcerpt: null, retryAfter: null });

  let url: URL;
  try {
    url = new URL(input.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") return failure(causeOf("unsupported_scheme", { scheme: url.protocol }));
    assertAllowedHost(url.hostname, allowPrivate);
  } catch (err) {
    return failure(err instanceof SsrfError ? blockedAddress(hostOf(input.url), err.message) : causeOf("invalid_url", {}, `Invalid URL: ${input.url}`));
  }

  const transport = url.protocol === "https:" ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    let phaseTimer: NodeJS.Timeout | undefined;
    const finish = (r: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(phaseTimer);
      resolve(r);
    };
    const giveUp = (cause: Described<FailureCause>) => {
      req.destroy();
      finish(failure(cause));
    };
    const req = transport.request(url, {
      method: "POST",
      headers: { ...input.extraHeaders, ...input.headers, "content-length": String(Buffer.byteLength(input.body)) },
      agent: agentFor(url.protocol, allowPrivate),
      lookup: createGuardedLookup(allowPrivate),
    });
    // One deadline for the whole attempt: connect, send, answer and body.
    const timer = setTimeout(() => giveUp(causeOfTimeout("attempt", url.host, timeoutMs)), timeoutMs);
    const awaitFirstByte = () => {
      clearTimeout(phaseTimer);
      phaseTimer = setTimeout(
        () => giveUp(causeOfTimeout("first_byte", url.host, firstByteTimeoutMs)),
        firstByteTimeoutMs,
      );
    };
    req.on("socket", (socket) => {
      // A pooled keep-alive socket is already open: only the first-byte deadline applies.
      if (!socket.connecting) return awaitFirstByte();
      phaseTimer = setTimeout(
        () => giveUp(causeOfTimeout("connect", url.host, connectTimeoutMs)),
        connectTimeoutMs,
      );
      socket.once(url.protocol === "https:" ? "secureConnect" : "connect", awaitFirstByte);
    });

    req.on("error", (err: NodeJS.ErrnoException) =>
      finish(failure(err instanceof SsrfError ? blockedAddress(url.hostname, err.message) : causeOfNetworkError(err, url))),
    );
    req.on("response", (res) => {
      clearTimeout(phaseTimer);
      const statusCode = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      let seen = 0;
      const complete = () => {
        const excerpt = Buffer.concat(chunks).toString("utf8");
        const outcome = causeOfResponse(statusCode, res.headers.location);
        finish(
          done({
            statusCode,
            error: outcome?.text ?? null,
            errorCause: outcome?.cause ?? null,
            responseBodyExcerpt: excerpt.length > 0 ? excerpt : null,
            retryAfter: headerValue(res.headers["retry-after"]),
          }),
        );
      };
      res.on("data", (chunk: Buffer) => {
        seen += chunk.length;
        if (kept < RESPONSE_EXCERPT_BYTES) {
          const slice = chunk.subarray(0, RESPONSE_EXCERPT_BYTES - kept);
          chunks.push(slice);
          kept += slice.length;
        }
        if (seen > DRAIN_LIMIT_BYTES) {
          // Enough: drop the connection rather than read an endless answer.
          res.destroy();
          complete();
        }
      });
      res.on("end", complete);
      res.on("error", complete);
      res.on("aborted", complete);
    });
    req.end(input.body);
  });
}

function headerValue(v: string | string[] | undefined): string | null {
  if (Array.isArray(v)) return v[0] ?? null;
  return v ?? null;
}

/** The host a refused URL names (for the blocked-address cause). */
function hostOf(raw: string): string {
  try {
    return new URL(raw).hostname;
  } catch {
    return raw;
  }
}
