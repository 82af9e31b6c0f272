// Talking to the server: the API key, one clear message per way it can go wrong.

export interface Connection {
  apiKey: string;
  baseUrl: string;
}

/** A failure the user can act on: printed as one line, exit code 1. */
export class CliError extends Error {}

export function authHeaders(c: Connection): Record<string, string> {
  return { authorization: `Bearer ${c.apiKey}`, "user-agent": "partnersmy-cli/0.1" };
}

/** fetch, with an unreachable server turned into a CliError. */
export async function reach(c: Connection, path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(`${c.baseUrl}${path}`, init);
  } catch (err) {
    if (init.signal?.aborted) throw err;
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new CliError(`Cannot reach ${c.baseUrl} (${cause}). Is the server running? Set --base-url or PARTNERSMY_BASE_URL.`);
  }
}

/** A non-2xx answer in the API's envelope → CliError with its message. */
export async function refusal(res: Response): Promise<CliError> {
  const text = await res.text();
  let message = text.slice(0, 300);
  try {
    message = (JSON.parse(text) as { error: { message: string } }).error.message;
  } catch {
    // not the envelope: show the start of the body
  }
  const hint = res.status === 401 ? " Check --api-key / PARTNERSMY_API_KEY." : "";
  return new CliError(`The server refused (${res.status}): ${message}${hint}`);
}

export async function apiRequest(c: Connection, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await reach(c, path, {
    method,
    headers: { ...authHeaders(c), "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await refusal(res);
  return res.json();
}
