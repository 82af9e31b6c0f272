import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

const PREFIXES = {
  account: "acct",
  user: "usr",
  apiKey: "key",
  program: "prg",
  partnership: "ptn",
  conversion: "conv",
  webhook: "wh",
  webhookSecret: "whsk",
  event: "evt",
  delivery: "dlv",
  attempt: "att",
  notice: "ntc",
  listener: "lsn",
} as const;

export type IdKind = keyof typeof PREFIXES;

const ID_LENGTH = 20;

// Random, unguessable, prefixed ids: `dlv_3k9x…`. 20 base36 chars ≈ 103 bits.
export function newId(kind: IdKind): string {
  return `${PREFIXES[kind]}_${randomString(ID_LENGTH)}`;
}

const byKind = (tail: string) =>
  Object.fromEntries(Object.entries(PREFIXES).map(([kind, prefix]) => [kind, new RegExp(`^${prefix}_[0-9a-z]${tail}$`)])) as Record<IdKind, RegExp>;
const EXACT = byKind(`{${ID_LENGTH}}`);
const PLAUSIBLE = byKind("{1,40}");

/** An id of this kind exactly as newId makes it. */
export function idPattern(kind: IdKind): RegExp {
  return EXACT[kind];
}

/**
 * What input must look like to name a row of this kind: the prefix and base36, lenient on
 * length. Anything else cannot name one, so callers answer 404 (or 422) without a query.
 */
export function idFormat(kind: IdKind): RegExp {
  return PLAUSIBLE[kind];
}

export function randomString(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = "";
  // 252 = 7 * 36: reject bytes above it so every character is equally likely.
  for (const b of bytes) {
    if (b < 252) out += ALPHABET[b % 36];
    if (out.length === length) return out;
  }
  return out + randomString(length - out.length);
}
