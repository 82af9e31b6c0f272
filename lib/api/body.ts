import type { z } from "zod";
import { ApiError } from "./errors";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Read and validate a JSON body: 413 when too big, 400 when not JSON, 422 when off-schema. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  const text = await readBodyText(req);
  let value: unknown;
  if (text.trim() === "") value = {};
  else {
    try {
      value = JSON.parse(text);
    } catch {
      throw new ApiError("bad_request", "The request body is not valid JSON.");
    }
  }
  assertStorableText(value);
  return schema.parse(value);
}

// PostgreSQL text cannot hold NUL, and an unpaired surrogate has no UTF-8 form: refuse both
// anywhere in a body (422 naming the field) rather than fail in the database with a 500.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function assertStorableText(root: unknown) {
  // Iterative, so a deeply nested body cannot overflow the stack; each entry links to its parent
  // so a path is only built for the offending string.
  type Entry = { value: unknown; key: string; parent: Entry | null };
  const stack: Entry[] = [{ value: root, key: "", parent: null }];
  while (stack.length) {
    const entry = stack.pop()!;
    const { value } = entry;
    if (typeof value === "string") {
      if (!UNSTORABLE.test(value)) continue;
      const path: string[] = [];
      for (let e: Entry | null = entry; e?.parent; e = e.parent) path.unshift(e.key);
      const message = "Must not contain NUL characters or unpaired surrogates.";
      const key = path.join(".");
      throw new ApiError("unprocessable", "The request is invalid; see details.", {
        fieldErrors: key ? { [key]: [message] } : {},
        formErrors: key ? [] : [message],
      });
    }
    if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) stack.push({ value: v, key: k, parent: entry });
    }
  }
}

async function readBodyText(req: Request): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (!req.body) return "";
  // Count bytes as they arrive: a body without (or lying about) Content-Length is capped too.
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ApiError("bad_request", "The request body is not valid UTF-8.");
  }
}

function tooLarge() {
  return new ApiError("payload_too_large", `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
}

/** Parse path or query params with a schema; a bad value is a 400-class client error, never a 500. */
export function parseParams<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  return schema.parse(value);
}
