// Receiver-side verification code shown in the "Verify signatures" panel (and the public docs).
// Every snippet (Node, Python, PHP, Go) is executed by verify-snippets.test.ts against deliveries
// signed by the real signer (lib/webhooks/signing.ts), and the Node one against the
// `standardwebhooks` library too, so what customers copy is known to work. Keep every snippet
// self-contained and on the standard library: it is run as written.

export const VERIFY_LANGUAGES = ["node", "python", "php", "go"] as const;
export type VerifyLanguage = (typeof VERIFY_LANGUAGES)[number];

export const VERIFY_SCHEMES = ["x-webhook-signature", "standard-webhooks"] as const;
export type VerifyScheme = (typeof VERIFY_SCHEMES)[number];

export const LANGUAGE_LABELS: Record<VerifyLanguage, string> = {
  node: "Node.js",
  python: "Python",
  php: "PHP",
  go: "Go",
};

export const SCHEME_LABELS: Record<VerifyScheme, string> = {
  "x-webhook-signature": "X-Webhook-Signature",
  "standard-webhooks": "Standard Webhooks",
};

/** The official Standard Webhooks library per language (verify with `whsec_…` as is). */
export const STANDARD_WEBHOOKS_LIBRARIES: Record<VerifyLanguage, string> = {
  node: "npm install standardwebhooks",
  python: "pip install standardwebhooks",
  php: "composer require standard-webhooks/standard-webhooks",
  go: "go get github.com/standard-webhooks/standard-webhooks/libraries/go",
};

const NODE_SIGNATURE = `import { createHmac, timingSafeEqual } from "node:crypto";

// rawBody: the request body exactly as received (Buffer or string), before JSON.parse.
// header: the X-Webhook-Signature header. secret: your endpoint's whsec_… string, as is.
export function verifyWebhookSignature(rawBody, header, secret, toleranceSeconds = 300) {
  let timestamp = NaN;
  const signatures = [];
  for (const part of String(header ?? "").split(",")) {
    const [key, value = ""] = part.trim().split("=");
    if (key === "t" && /^\\d+$/.test(value)) timestamp = Number(value);
    else if (key === "v1") signatures.push(value);
  }
  // Refuse old (replayed) or future-dated deliveries.
  if (!Number.isInteger(timestamp)) return false;
  if (Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds) return false;

  const expected = createHmac("sha256", secret).update(\`\${timestamp}.\`).update(rawBody).digest();
  // During a secret rotation there is one v1= per valid secret: accept if any matches.
  return signatures.some((signature) => {
    const given = Buffer.from(signature, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

// Express: keep the raw body for verification.
// app.post("/webhooks", express.raw({ type: "application/json" }), (req, res) => {
//   if (!verifyWebhookSignature(req.body, req.get("X-Webhook-Signature"), process.env.WEBHOOK_SECRET)) {
//     return res.sendStatus(400);
//   }
//   const event = JSON.parse(req.body);
//   res.sendStatus(200);
// });
`;

const NODE_STANDARD = `import { createHmac, timingSafeEqual } from "node:crypto";
// Or use the official library: import { Webhook } from "standardwebhooks";
//   new Webhook(secret).verify(rawBody, headers) // throws when invalid

// headers: lower-cased header names (as Node gives them); secret: your whsec_… string.
export function verifyStandardWebhook(rawBody, headers, secret, toleranceSeconds = 300) {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"];
  if (!id || !/^\\d+$/.test(timestamp ?? "") || !signatures) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;

  // The key is the base64-decoded part after "whsec_".
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(\`\${id}.\${timestamp}.\`).update(rawBody).digest();
  // Space-separated "v1,<base64>" entries, one per valid secret.
  return signatures.split(" ").some((entry) => {
    const [version, signature] = entry.split(",");
    if (version !== "v1" || !signature) return false;
    const given = Buffer.from(signature, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
`;

const PYTHON_SIGNATURE = `import hashlib
import hmac
import time


def verify_webhook_signature(raw_body: bytes, header: str, secret: str, tolerance: int = 300) -> bool:
    """raw_body: the request body as received (e.g. Flask's request.get_data())."""
    timestamp, signatures = None, []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdecimal():
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value.encode())
    # Refuse old (replayed) or future-dated deliveries.
    if timestamp is None or abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw_body, hashlib.sha256).hexdigest().encode()
    # During a secret rotation there is one v1= per valid secret: accept if any matches.
    return any(hmac.compare_digest(expected, signature) for signature in signatures)


# Flask:
# ok = verify_webhook_signature(request.get_data(), request.headers.get("X-Webhook-Signature", ""), WEBHOOK_SECRET)
`;

const PYTHON_STANDARD = `import base64
import hashlib
import hmac
import time

# Or use the official library (pip install standardwebhooks):
#   from standardwebhooks.webhooks import Webhook
#   Webhook(secret).verify(raw_body, headers)  # raises when invalid


def verify_standard_webhook(raw_body: bytes, headers, secret: str, tolerance: int = 300) -> bool:
    """headers: a case-insensitive mapping (Flask's request.headers) or lower-cased names."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp") or ""
    signatures = headers.get("webhook-signature")
    if not msg_id or not signatures or not timestamp.isdecimal():
        return False
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    # The key is the base64-decoded part after "whsec_".
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + raw_body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    # Space-separated "v1,<base64>" entries, one per valid secret.
    for entry in signatures.split(" "):
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(expected, signature.encode()):
            return True
    return False
`;

const PHP_SIGNATURE = `<?php
// $rawBody = file_get_contents('php://input');
// $header  = $_SERVER['HTTP_X_WEBHOOK_SIGNATURE'] ?? '';
function verify_webhook_signature(string $rawBody, string $header, string $secret, int $tolerance = 300): bool
{
    $timestamp = null;
    $signatures = [];
    foreach (explode(',', $header) as $part) {
        [$key, $value] = array_pad(explode('=', trim($part), 2), 2, '');
        if ($key === 't' && ctype_digit($value)) {
            $timestamp = (int) $value;
        } elseif ($key === 'v1') {
            $signatures[] = $value;
        }
    }
    // Refuse old (replayed) or future-dated deliveries.
    if ($timestamp === null || abs(time() - $timestamp) > $tolerance) {
        return false;
    }
    $expected = hash_hmac('sha256', $timestamp . '.' . $rawBody, $secret);
    // During a secret rotation there is one v1= per valid secret: accept if any matches.
    foreach ($signatures as $signature) {
        if (hash_equals($expected, $signature)) {
            return true;
        }
    }
    return false;
}
`;

const PHP_STANDARD = `<?php
// Or use the official library: composer require standard-webhooks/standard-webhooks
// $id = $_SERVER['HTTP_WEBHOOK_ID']; $timestamp = $_SERVER['HTTP_WEBHOOK_TIMESTAMP'];
// $signatures = $_SERVER['HTTP_WEBHOOK_SIGNATURE']; $rawBody = file_get_contents('php://input');
function verify_standard_webhook(string $rawBody, string $id, string $timestamp, string $signatures, string $secret, int $tolerance = 300): bool
{
    if ($id === '' || !ctype_digit($timestamp) || abs(time() - (int) $timestamp) > $tolerance) {
        return false;
    }
    // The key is the base64-decoded part after "whsec_".
    $key = base64_decode(str_starts_with($secret, 'whsec_') ? substr($secret, 6) : $secret);
    $expected = base64_encode(hash_hmac('sha256', $id . '.' . $timestamp . '.' . $rawBody, $key, true));
    // Space-separated "v1,<base64>" entries, one per valid secret.
    foreach (explode(' ', $signatures) as $entry) {
        [$version, $signature] = array_pad(explode(',', $entry, 2), 2, '');
        if ($version === 'v1' && hash_equals($expected, $signature)) {
            return true;
        }
    }
    return false;
}
`;

const GO_SIGNATURE = `package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// VerifySignature checks the X-Webhook-Signature header against the raw request body.
func VerifySignature(rawBody []byte, header, secret string, tolerance time.Duration) bool {
	timestamp := ""
	var signatures [][]byte
	for _, part := range strings.Split(header, ",") {
		key, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch key {
		case "t":
			timestamp = value
		case "v1":
			if sig, err := hex.DecodeString(value); err == nil {
				signatures = append(signatures, sig)
			}
		}
	}
	t, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	// Refuse old (replayed) or future-dated deliveries.
	if age := time.Since(time.Unix(t, 0)); age > tolerance || age < -tolerance {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "."))
	mac.Write(rawBody)
	expected := mac.Sum(nil)
	// During a secret rotation there is one v1= per valid secret: accept if any matches.
	for _, sig := range signatures {
		if hmac.Equal(sig, expected) {
			return true
		}
	}
	return false
}
`;

const GO_STANDARD = `package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Or use the official library: github.com/standard-webhooks/standard-webhooks/libraries/go

// VerifyStandardWebhook checks the webhook-id/-timestamp/-signature headers.
func VerifyStandardWebhook(rawBody []byte, h http.Header, secret string, tolerance time.Duration) bool {
	id, timestamp, signatures := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	t, err := strconv.ParseInt(timestamp, 10, 64)
	if id == "" || signatures == "" || err != nil {
		return false
	}
	if age := time.Since(time.Unix(t, 0)); age > tolerance || age < -tolerance {
		return false
	}
	// The key is the base64-decoded part after "whsec_".
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + timestamp + "."))
	mac.Write(rawBody)
	expected := mac.Sum(nil)
	// Space-separated "v1,<base64>" entries, one per valid secret.
	for _, entry := range strings.Split(signatures, " ") {
		version, sig, _ := strings.Cut(entry, ",")
		if given, err := base64.StdEncoding.DecodeString(sig); version == "v1" && err == nil && hmac.Equal(given, expected) {
			return true
		}
	}
	return false
}
`;

export const VERIFY_SNIPPETS: Record<VerifyScheme, Record<VerifyLanguage, string>> = {
  "x-webhook-signature": { node: NODE_SIGNATURE, python: PYTHON_SIGNATURE, php: PHP_SIGNATURE, go: GO_SIGNATURE },
  "standard-webhooks": { node: NODE_STANDARD, python: PYTHON_STANDARD, php: PHP_STANDARD, go: GO_STANDARD },
};
