import "server-only";
import http from "node:http";
import https from "node:https";
import { getConfig } from "@/lib/config";
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
  const failure = (error: string): SendResult =>
    done({ statusCode: null, error, responseBodyExcerpt: null, retryAfter: null });

  let url: URL;
  try {
    url = new URL(input.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") return failure(`Unsupported URL scheme ${url.protocol}`);
    assertAllowedHost(url.hostname, allowPrivate);
  } catch (err) {
    return failure(err instanceof SsrfError ? err.message : `Invalid URL: ${input.url}`);
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
    const giveUp = (error: string) => {
      req.destroy();
      finish(failure(error));
    };
    const req = transport.request(url, {
      method: "POST",
      headers: { ...input.extraHeaders, ...input.headers, "content-length": String(Buffer.byteLength(input.body)) },
      agent: agentFor(url.protocol, allowPrivate),
      lookup: createGuardedLookup(allowPrivate),
    });
    // One deadline for the whole attempt: connect, send, answer and body.
    const timer = setTimeout(() => giveUp(`Timed out after ${timeoutMs} ms`), timeoutMs);
    const awaitFirstByte = () => {
      clearTimeout(phaseTimer);
      phaseTimer = setTimeout(
        () => giveUp(`No answer from ${url.host} within ${firstByteTimeoutMs} ms of connecting (first-byte timeout)`),
        firstByteTimeoutMs,
      );
    };
    req.on("socket", (socket) => {
      // A pooled keep-alive socket is already open: only the first-byte deadline applies.
      if (!socket.connecting) return awaitFirstByte();
      phaseTimer = setTimeout(
        () => giveUp(`Could not connect to ${url.host} within ${connectTimeoutMs} ms (connect timeout)`),
        connectTimeoutMs,
      );
      socket.once(url.protocol === "https:" ? "secureConnect" : "connect", awaitFirstByte);
    });

    req.on("error", (err: NodeJS.ErrnoException) => finish(failure(describeError(err, url))));
    req.on("response", (res) => {
      clearTimeout(phaseTimer);
      const statusCode = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      let seen = 0;
      const complete = () => {
        const excerpt = Buffer.concat(chunks).toString("utf8");
        const redirect = statusCode >= 300 && statusCode < 400;
        finish(
          done({
            statusCode,
            error: redirect
              ? `Redirect to ${res.headers.location ?? "(no Location)"} not followed; answer 2xx at the configured URL`
              : statusCode >= 200 && statusCode < 300
                ? null
                : `Receiver answered HTTP ${statusCode}`,
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

function describeError(err: NodeJS.ErrnoException, url: URL): string {
  if (err instanceof SsrfError) return err.message;
  switch (err.code) {
    case "ECONNREFUSED":
      return `Connection refused by ${url.host}`;
    case "ECONNRESET":
      return `Connection reset by ${url.host} before it answered`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `Could not resolve ${url.hostname}`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${url.host} is unreachable`;
    default:
      if (err.message === "socket hang up") return `Connection closed by ${url.host} before it answered`;
      return err.code ? `${err.code}: ${err.message}` : err.message;
  }
}
