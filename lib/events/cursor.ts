import { keysetCursor } from "@/lib/api/cursor";

// The events list's cursor, opaque to clients like the delivery log's.
const cursor = keysetCursor("event");

export const encodeEventCursor = cursor.encode;

export function decodeEventCursor(value: string): { createdAt: string; eventId: string } {
  const { createdAt, id } = cursor.decode(value);
  return { createdAt, eventId: id };
}
