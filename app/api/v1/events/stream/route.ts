import { parseParams } from "@/lib/api/body";
import { withApiKey } from "@/lib/api/handlers";
import { otherMethods } from "@/lib/api/not-found";
import { resolveFeedCursor } from "@/lib/cli/event-feed";
import { eventStreamResponse } from "@/lib/cli/event-stream";
import { openListener } from "@/lib/cli/listeners";
import { eventStreamQuery } from "@/lib/cli/schemas";

// Vercel ends a function at its maxDuration (300 s is the default ceiling with fluid compute on
// every plan); the stream ends itself before that (EVENT_STREAM_MAX_SECONDS, default 240) and the
// client resumes with Last-Event-ID.
export const maxDuration = 300;
export const dynamic = "force-dynamic";

// GET /api/v1/events/stream?events=&after= — the account's events live, as Server-Sent Events
export const GET = withApiKey(async (req, { account, apiKey }) => {
  const query = parseParams(eventStreamQuery, Object.fromEntries(new URL(req.url).searchParams));
  const after = query.after ?? req.headers.get("last-event-id") ?? undefined;
  const cursor = await resolveFeedCursor(account.id, after || undefined);
  const types = query.events ?? null;
  const listenerId = await openListener({ accountId: account.id, apiKeyId: apiKey.id, events: types, resumeId: query.listener });
  return eventStreamResponse({ accountId: account.id, listenerId, cursor, types, signal: req.signal });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
