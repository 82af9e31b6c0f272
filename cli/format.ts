// The one line `partnersmy listen` prints per forwarded event: time, event type, event id, the
// local receiver's answer and how long it took. Types are padded so the ids line up.

export interface ForwardOutcome {
  at: Date;
  type: string;
  eventId: string;
  /** The local answer's HTTP status, or why there was none. */
  status: number | { error: string };
  ms: number;
}

export const TYPE_COLUMN = 20;

export function formatEventLine(o: ForwardOutcome): string {
  const answer = typeof o.status === "number" ? String(o.status) : `error (${o.status.error})`;
  return `${o.at.toISOString()}  ${o.type.padEnd(TYPE_COLUMN)} ${o.eventId}  → ${answer} in ${Math.round(o.ms)} ms`;
}
