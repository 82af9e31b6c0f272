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
} as const;

export type IdKind = keyof typeof PREFIXES;

// Random, unguessable, prefixed ids: `dlv_3k9x…`. 20 base36 chars ≈ 103 bits.
export function newId(kind: IdKind): string {
  return `${PREFIXES[kind]}_${randomString(20)}`;
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
