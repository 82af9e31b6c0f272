import http from "node:http";
import { randomInt } from "node:crypto";

// Requests from a loopback address of the spec's choosing (127.0.0.0/8 is all loopback on
// Linux), so the server sees a client of its own at the socket: per-address limits can be
// tested without touching the rest of the suite, which calls from 127.0.0.1.

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: () => any;
}

/** A fresh 127.a.b.c (never 127.0.0.1). */
export function freshLoopbackAddress(): string {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

export function requestFrom(
  localAddress: string,
  baseURL: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const url = new URL(path, baseURL);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: init.method ?? "GET", headers: init.headers, localAddress, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

/** next-auth's credentials flow from `localAddress`: the csrf token, then the callback. */
export async function signInFrom(
  localAddress: string,
  baseURL: string,
  creds: { email: string; password: string },
  headers: Record<string, string> = {},
): Promise<RawResponse & { sessionCookie: string | null }> {
  const csrf = await requestFrom(localAddress, baseURL, "/api/auth/csrf", { headers });
  const cookie = (csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
  const body = new URLSearchParams({ csrfToken: csrf.json().csrfToken, email: creds.email, password: creds.password }).toString();
  const res = await requestFrom(localAddress, baseURL, "/api/auth/callback/credentials", {
    method: "POST",
    headers: { ...headers, cookie, "content-type": "application/x-www-form-urlencoded" },
    body,
  });
  const session = (res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]!).find((c) => c.startsWith("authjs.session-token="));
  return { ...res, sessionCookie: session ?? null };
}
