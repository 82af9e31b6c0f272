import { CliError, type Connection } from "./http";

// Where the CLI's key and server come from: the flag, else the environment, else (server only)
// the local dev server. One place, so every command resolves them alike.

export const DEFAULT_BASE_URL = "http://localhost:3000";

type Env = Record<string, string | undefined>;

export function resolveConnection(opts: { apiKey?: string; baseUrl?: string }, env: Env = process.env): Connection {
  const apiKey = (opts.apiKey ?? env.PARTNERSMY_API_KEY)?.trim();
  if (!apiKey) throw new CliError("No API key: pass --api-key or set PARTNERSMY_API_KEY (create one in the dashboard under API keys).");
  const raw = (opts.baseUrl ?? env.PARTNERSMY_BASE_URL)?.trim() || DEFAULT_BASE_URL;
  let base: URL;
  try {
    base = new URL(raw);
  } catch {
    throw new CliError(`The server address ${JSON.stringify(raw)} is not a URL: pass --base-url or set PARTNERSMY_BASE_URL, e.g. https://your-app.example`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new CliError(`The server address must be http:// or https://, not ${base.protocol}//`);
  }
  return { apiKey, baseUrl: base.toString().replace(/\/+$/, "") };
}
