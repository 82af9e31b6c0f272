// What the suite and its receiver process (reliability/receiver-process.mts) say over IPC.

/** Probabilities, each of [0, 1], of answering 500, hanging past the sender's timeout, resetting. */
export type Chaos = { fail500: number; hang: number; reset: number };

export type ReceiverCommand =
  | { type: "configure"; secret: string }
  | { type: "chaos"; chaos: Chaos | null }
  | { type: "count" }
  | { type: "report" }
  | { type: "close" };

/** One request: webhook-id, the event's data.id, what was answered (0 = hang, -1 = reset), arrival (epoch ms). */
export type ReceivedRow = [webhookId: string, dataId: string, answered: number, at: number];

export type ReceiverReport = { rows: ReceivedRow[]; invalidSignatures: number; answered: Record<string, number> };
