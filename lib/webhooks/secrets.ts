import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { getConfig } from "@/lib/config";

// Signing secrets: `whsec_<base64 of 32 random bytes>` (Standard Webhooks), kept encrypted at
// rest with AES-256-GCM under WEBHOOK_SECRET_KEY. Stored form: v1.<iv>.<tag>.<ciphertext>.

export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

function key(): Buffer {
  // Any string works as the operator key; SHA-256 turns it into exactly 32 bytes.
  return createHash("sha256").update(getConfig().secretKey).digest();
}

export function encryptSecret(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(".");
}

// Every attempt decrypts its endpoint's secrets: the worker's profile under load showed ~8% of
// its CPU here (key derivation + AES-GCM setup). Decrypted values are remembered per process,
// keyed by the operator key as well, so a changed WEBHOOK_SECRET_KEY still fails to decrypt.
const DECRYPTED_CACHE_MAX = 10_000;
const decrypted = new Map<string, string>();

export function decryptSecret(stored: string): string {
  const cacheKey = `${getConfig().secretKey}\u0000${stored}`;
  const hit = decrypted.get(cacheKey);
  if (hit !== undefined) return hit;
  const plaintext = decryptUncached(stored);
  if (decrypted.size >= DECRYPTED_CACHE_MAX) decrypted.clear();
  decrypted.set(cacheKey, plaintext);
  return plaintext;
}

function decryptUncached(stored: string): string {
  const [version, iv, tag, ciphertext] = stored.split(".");
  if (version !== "v1" || !iv || !tag || !ciphertext) throw new Error("Unrecognised encrypted secret format");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString("utf8");
}
