import "server-only";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { readFeed, type FeedCursor } from "./event-feed";
import { closeListener, touchListener } from "./listeners";

// GET /api/v1/events/stream as Server-Sent Events: `ready` first (the session id), then one
// message per event (`id:` the event id, `event:` its type, `data:` the exact delivery body),
// a comment every heartbeat, and after EVENT_STREAM_MAX_SECONDS a `reconnect` message and the
// end: the client resumes with Last-Event-ID (Vercel ends functions at their maxDuration).

export interface StreamInput {
  accountId: string;
  listenerId: string;
  cursor: FeedCursor;
  types: string[] | null;
  signal: AbortSignal;
}

const encoder = new TextEncoder();

export function eventStreamResponse(input: StreamInput): Response {
  const { maxMs, heartbeatMs, pollMs } = getConfig().eventStream;
  let cursor = input.cursor;
  let stopped = false;
  let clientGone = false;
  const stop = () => {
    clientGone = true;
    stopped = true;
  };
  input.signal.addEventListener("abort", stop);

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const write = (text: string) => controller.enqueue(encoder.encode(text));
      const endsAt = Date.now() + maxMs;
      let nextHeartbeat = Date.now() + heartbeatMs;
      write(`retry: 1000\nevent: ready\ndata: ${JSON.stringify({ listenerId: input.listenerId, endsInSeconds: Math.round(maxMs / 1000) })}\n\n`);
      try {
        while (!stopped && Date.now() < endsAt) {
          const batch = await readFeed(input.accountId, cursor, input.types);
          for (const e of batch) {
            write(`id: ${e.id}\nevent: ${e.type}\ndata: ${e.body}\n\n`);
            cursor = e.cursor;
          }
          if (batch.length === 100) continue;
          if (Date.now() >= nextHeartbeat) {
            write(`: heartbeat ${new Date().toISOString()}\n\n`);
            await touchListener(input.accountId, input.listenerId);
            nextHeartbeat = Date.now() + heartbeatMs;
          }
          await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(0, endsAt - Date.now()))));
        }
        if (!stopped) write(`event: reconnect\ndata: ${JSON.stringify({ reason: "max_duration" })}\n\n`);
      } catch (err) {
        // The client resumes from its last event id; nothing is lost by ending here.
        if (!stopped) log.warn("event stream ended on an error", { err });
      } finally {
        input.signal.removeEventListener("abort", stop);
        if (clientGone) await closeListener(input.accountId, input.listenerId).catch(() => {});
        try {
          controller.close();
        } catch {
          // already cancelled by the client
        }
      }
    },
    cancel() {
      stop();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
