import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Webhook } from "standardwebhooks";
import { verifySignatureHeader } from "@/lib/webhooks/signing";

// A real webhook receiver on 127.0.0.1 (random port) for tests, Playwright and the bench. It
// verifies both signature schemes as a customer would — X-Webhook-Signature with our verify
// helper, the Standard Webhooks headers with the `standardwebhooks` library — records what it
// got, and answers however it is told: a status, a hang, a reset, a redirect, a Retry-After.

export type Behaviour =
  | { status: number; body?: string; headers?: Record<string, string>; delayMs?: number }
  | { hang: true }
  | { reset: true };

export interface ReceivedRequest {
  /** Arrival, epoch milliseconds with sub-millisecond precision. */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  webhookId: string | undefined;
  attempt: number | undefined;
  /** One result per secret the receiver knows, in the order given. */
  signatureValid: boolean[];
  standardValid: boolean[];
  /** What the receiver answered (null for hang/reset). */
  answeredStatus: number | null;
}

export interface Receiver {
  url: string;
  port: number;
  received: ReceivedRequest[];
  /** Secrets to verify with (replaces the current list). */
  setSecrets(secrets: string[]): void;
  /** The answer to every request not covered by `queue`; default 200. */
  respondWith(behaviour: Behaviour): void;
  /** One-shot answers, used in order before the default. */
  queue(...behaviours: Behaviour[]): void;
  /**
   * Resolves when at least `count` requests arrived (matching `filter`; with `distinct`, counting
   * each webhook-id once), or rejects after `timeoutMs`.
   */
  waitFor(
    count: number,
    opts?: { timeoutMs?: number; filter?: (r: ReceivedRequest) => boolean; distinct?: boolean },
  ): Promise<ReceivedRequest[]>;
  /** The most requests that were open (arrived, not yet answered) at the same time. */
  readonly peakConcurrency: number;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  secrets?: string[];
  /** Keep only counts and ids, not headers and bodies (the bench). */
  light?: boolean;
  port?: number;
}

export async function startReceiver(opts: ReceiverOptions = {}): Promise<Receiver> {
  let secrets = opts.secrets ?? [];
  let fallback: Behaviour = { status: 200, body: "ok" };
  const oneShots: Behaviour[] = [];
  const received: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  let open = 0;
  let peak = 0;

  const server: Server = createServer((req, res) => {
    peak = Math.max(peak, ++open);
    res.on("close", () => open--);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const behaviour = oneShots.shift() ?? fallback;
      const record = inspect(req.method ?? "", req.url ?? "", req.headers, body, secrets, opts.light);
      record.answeredStatus = "status" in behaviour ? behaviour.status : null;
      received.push(record);
      for (const wake of waiters) wake();
      answer(res, behaviour);
    });
  });
  // Long keep-alive so the sender's pooled sockets are not closed under it mid-test.
  server.keepAliveTimeout = 60_000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    port,
    received,
    setSecrets: (s) => void (secrets = s),
    respondWith: (b) => void (fallback = b),
    queue: (...b) => void oneShots.push(...b),
    get peakConcurrency() {
      return peak;
    },
    waitFor(count, { timeoutMs = 10_000, filter, distinct } = {}) {
      const matching = () => {
        const got = filter ? received.filter(filter) : received;
        if (!distinct) return got;
        const seen = new Set<string | undefined>();
        return got.filter((r) => !seen.has(r.webhookId) && !!seen.add(r.webhookId));
      };
      return new Promise((resolve, reject) => {
        const check = () => {
          const got = matching();
          if (got.length < count) return;
          cleanup();
          resolve(got);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`receiver got ${matching().length} of ${count} expected requests within ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function inspect(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: string,
  secrets: string[],
  light = false,
): ReceivedRequest {
  const webhookId = firstHeader(headers["webhook-id"]);
  const attempt = firstHeader(headers["x-webhook-attempt"]);
  return {
    at: performance.timeOrigin + performance.now(), // epoch ms, sub-ms precision, comparable across processes
    method,
    path,
    headers: light ? {} : headers,
    body: light ? "" : body,
    webhookId,
    attempt: attempt ? Number(attempt) : undefined,
    signatureValid: secrets.map((s) => verifyOwnScheme(s, body, headers)),
    standardValid: secrets.map((s) => verifyStandard(s, body, headers)),
    answeredStatus: null,
  };
}

/** X-Webhook-Signature (t=…,v1=…), checked as a receiver would. */
export function verifyOwnScheme(secret: string, body: string, headers: IncomingHttpHeaders): boolean {
  return verifySignatureHeader(firstHeader(headers["x-webhook-signature"]), body, secret).ok;
}

/** The Standard Webhooks headers, checked with the `standardwebhooks` library. */
export function verifyStandard(secret: string, body: string, headers: IncomingHttpHeaders): boolean {
  try {
    new Webhook(secret).verify(body, {
      "webhook-id": firstHeader(headers["webhook-id"]) ?? "",
      "webhook-timestamp": firstHeader(headers["webhook-timestamp"]) ?? "",
      "webhook-signature": firstHeader(headers["webhook-signature"]) ?? "",
    });
    return true;
  } catch {
    return false;
  }
}

function answer(res: ServerResponse, b: Behaviour) {
  if ("hang" in b) return; // never answer; close() tears the socket down
  if ("reset" in b) {
    res.socket?.resetAndDestroy();
    return;
  }
  const send = () => {
    res.writeHead(b.status, { "content-type": "text/plain", ...b.headers });
    res.end(b.body ?? "");
  };
  if (b.delayMs) setTimeout(send, b.delayMs);
  else send();
}

export function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
