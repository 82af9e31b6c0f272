import { clientDateTime } from "@/lib/api/date-time";
import { ApiError } from "@/lib/api/errors";
import { idFormat } from "@/lib/ids";

// The events list's cursor, opaque to clients like the delivery log's: base64url of
// "<created_at to the µs>|<event id>", the position of the last event of the page.
const CURSOR_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|(.*)$/;

export function encodeEventCursor(createdAtExact: string, eventId: string): string {
  return Buffer.from(`${createdAtExact}|${eventId}`, "utf8").toString("base64url");
}

export function decodeEventCursor(cursor: string): { createdAt: string; eventId: string } {
  const match = CURSOR_PATTERN.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  // The date must be one PostgreSQL holds exactly, the id one we could have made: else a 500.
  if (!match || !clientDateTime.safeParse(match[1]).success || !idFormat("event").test(match[2]!)) {
    throw new ApiError("unprocessable", "The request is invalid; see details.", {
      fieldErrors: { cursor: ["The cursor is not valid; start again from the first page."] },
      formErrors: [],
    });
  }
  return { createdAt: match[1]!, eventId: match[2]! };
}
