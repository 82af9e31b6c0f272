import { randomBytes } from "node:crypto";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { buildDeliveryHeaders } from "../lib/webhooks/signing";
import { formatEventLine } from "./format";
import { CliError, authHeaders, reach, refusal, type Connection } from "./http";

// `partnersmy listen`: stream the account's events (GET /api/v1/events/stream), sign each with a
// per-session secret in both of the product's schemes (its own signing code), POST it to the
// local URL, one line per event. After a drop it reconnects with Last-Event-ID = the last event
// it handled, so nothing is lost; a refused key or a server it never reached ends it (exit 1).

export interface ListenOptions extends Connection {
  forwardTo: string;
  events?: string;
}

const MAX_BACKOFF_MS = 5000;

export async function listen(opts: ListenOptions): Promise<number> {
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  console.log(`Signing secret for this session: ${secret}`);
  let lastEventId: string | undefined;
  let listenerId: string | undefined;
  let connectedOnce = false;
  let backoff = 250;
  const seen = new Set<string>();
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  process.once("SIGTERM", () => stop.abort());

  while (!stop.signal.aborted) {
    const query = new URLSearchParams();
    if (opts.events) query.set("events", opts.events);
    if (listenerId) query.set("listener", listenerId);
    const headers: Record<string, string> = { ...authHeaders(opts), accept: "text/event-stream" };
    if (lastEventId) headers["last-event-id"] = lastEventId;
    let res: Response;
    try {
      res = await reach(opts, `/api/v1/events/stream?${query}`, { headers, signal: stop.signal });
    } catch (err) {
      if (stop.signal.aborted) break;
      if (!connectedOnce) throw err; // never reached: say so and exit
      console.log(`Connection lost; reconnecting in ${backoff} ms…`);
      await sleep(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      continue;
    }
    if (!res.ok) {
      // A bad key or query never gets better by retrying; a 5xx during a restart does.
      if (res.status < 500 || !connectedOnce) throw await refusal(res);
      await sleep(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      continue;
    }
    if (!connectedOnce) console.log(`Ready. Forwarding ${opts.events ? opts.events : "all events"} to ${opts.forwardTo} (Ctrl-C to stop)`);
    else console.log(`Reconnected${lastEventId ? `, resuming after ${lastEventId}` : ""}.`);
    connectedOnce = true;
    backoff = 250;

    // Events are forwarded one at a time, in order; the cursor moves only past handled ones.
    let chain = Promise.resolve();
    const parser = createParser({
      onEvent(message: EventSourceMessage) {
        if (message.event === "ready") {
          listenerId = (JSON.parse(message.data) as { listenerId: string }).listenerId;
          return;
        }
        if (!message.id || message.event === "reconnect") return;
        const id = message.id;
        chain = chain.then(async () => {
          if (!seen.has(id)) {
            seen.add(id);
            console.log(await forward(opts.forwardTo, secret, id, message.event ?? "message", message.data));
          }
          lastEventId = id;
        });
      },
    });
    try {
      const decoder = new TextDecoder();
      for await (const chunk of res.body!) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      // the connection dropped: reconnect below
    }
    await chain;
    if (!stop.signal.aborted) await sleep(100);
  }
  return 0;
}

/**
 * POST one event to the local URL, signed with the session secret in both schemes like a real
 * delivery (its webhook-id is the event id); returns the line to print.
 */
export async function forward(url: string, secret: string, eventId: string, type: string, body: string): Promise<string> {
  const headers = buildDeliveryHeaders({ deliveryId: eventId, eventType: type, attemptNumber: 1, body, secrets: [secret] });
  const started = performance.now();
  let status: number | { error: string };
  try {
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(15_000) });
    await res.arrayBuffer();
    status = res.status;
  } catch (err) {
    status = { error: err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err) };
  }
  return formatEventLine({ at: new Date(), type, eventId, status, ms: performance.now() - started });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export { CliError };
