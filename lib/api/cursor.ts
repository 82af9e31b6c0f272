import { clientDateTime } from "@/lib/api/date-time";
import { ApiError } from "@/lib/api/errors";
import { idFormat, type IdKind } from "@/lib/ids";

// A keyset cursor, opaque to clients: base64url of "<created_at to the µs>|<id>", the position
// of the last row of a page (the delivery log, the events list).
const CURSOR_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|(.*)$/;

export function keysetCursor(kind: IdKind) {
  return {
    encode(createdAtExact: string, id: string): string {
      return Buffer.from(`${createdAtExact}|${id}`, "utf8").toString("base64url");
    },
    decode(cursor: string): { createdAt: string; id: string } {
      const match = CURSOR_PATTERN.exec(Buffer.from(cursor, "base64url").toString("utf8"));
      // The date must be one PostgreSQL holds exactly (not 0000-01-01, not 2026-02-30), the id
      // one we could have made: else a 500.
      if (!match || !clientDateTime.safeParse(match[1]).success || !idFormat(kind).test(match[2]!)) {
        throw new ApiError("unprocessable", "The request is invalid; see details.", {
          fieldErrors: { cursor: ["The cursor is not valid; start again from the first page."] },
          formErrors: [],
        });
      }
      return { createdAt: match[1]!, id: match[2]! };
    },
  };
}
