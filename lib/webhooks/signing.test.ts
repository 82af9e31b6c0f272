import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateSigningSecret } from "./secrets";
import { buildDeliveryHeaders, USER_AGENT, verifySignatureHeader } from "./signing";

const body = JSON.stringify({ event: "conversion.created", data: { id: "conv_1", type: "sale", amount: 100, status: "pending" }, timestamp: "2026-01-01T00:00:00.000Z" });

function headersFor(secrets: string[], timestamp = Math.floor(Date.now() / 1000)) {
  return buildDeliveryHeaders({ deliveryId: "dlv_abc", eventType: "conversion.created", attemptNumber: 2, body, secrets, timestamp });
}

describe("delivery signatures", () => {
  it("signs X-Webhook-Signature as t=<ts>,v1=<hex HMAC of '<t>.<body>'> keyed with the secret string as shown", () => {
    const secret = generateSigningSecret();
    const h = headersFor([secret], 1767225600);
    // Computed here from the documented recipe, independently of the signer.
    const expected = createHmac("sha256", secret).update(`1767225600.${body}`).digest("hex");
    expect(h["x-webhook-signature"]).toBe(`t=1767225600,v1=${expected}`);
  });

  it("sets the documented headers", () => {
    expect(headersFor([generateSigningSecret()])).toMatchObject({
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      "x-webhook-event": "conversion.created",
      "x-webhook-delivery": "dlv_abc",
      "x-webhook-attempt": "2",
      "webhook-id": "dlv_abc",
    });
  });

  it("produces Standard Webhooks headers that the standardwebhooks library verifies", () => {
    const secret = generateSigningSecret();
    const h = headersFor([secret]);
    expect(new Webhook(secret).verify(body, h)).toMatchObject({ event: "conversion.created" });
    expect(() => new Webhook(generateSigningSecret()).verify(body, h)).toThrow();
    expect(() => new Webhook(secret).verify(body.replace("100", "999"), h)).toThrow();
  });

  it("carries one signature per valid secret during a rotation, newest first", () => {
    const [newest, older] = [generateSigningSecret(), generateSigningSecret()];
    const h = headersFor([newest, older]);
    const v1s = h["x-webhook-signature"]!.split(",").slice(1);
    expect(v1s).toHaveLength(2);
    const t = h["webhook-timestamp"];
    expect(v1s[0]).toBe(`v1=${createHmac("sha256", newest).update(`${t}.${body}`).digest("hex")}`);
    expect(h["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const s of [newest, older]) {
      expect(verifySignatureHeader(h["x-webhook-signature"], body, s).ok).toBe(true);
      expect(() => new Webhook(s).verify(body, h)).not.toThrow();
    }
  });

  describe("verifySignatureHeader", () => {
    const secret = generateSigningSecret();
    it("accepts a genuine signature", () => {
      expect(verifySignatureHeader(headersFor([secret])["x-webhook-signature"], body, secret)).toMatchObject({ ok: true });
    });
    it("refuses a tampered body, another secret, a missing header and a garbled header", () => {
      const header = headersFor([secret])["x-webhook-signature"];
      expect(verifySignatureHeader(header, body + " ", secret).ok).toBe(false);
      expect(verifySignatureHeader(header, body, generateSigningSecret()).ok).toBe(false);
      expect(verifySignatureHeader(undefined, body, secret).ok).toBe(false);
      expect(verifySignatureHeader("v1=abc", body, secret).ok).toBe(false);
    });
    it("refuses a replay of an old request outside the 5-minute tolerance", () => {
      const old = Math.floor(Date.now() / 1000) - 301;
      const result = verifySignatureHeader(headersFor([secret], old)["x-webhook-signature"], body, secret);
      expect(result).toEqual({ ok: false, reason: "timestamp outside the tolerance" });
    });
  });
});
