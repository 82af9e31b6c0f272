// The bench's receiver, in its own process so it does not share the engine's event loop. It
// verifies every signature (both schemes) and reports over IPC.
import { startReceiver } from "@/lib/testing/receiver";

type Command = { type: "configure"; secret: string } | { type: "reset" } | { type: "report" } | { type: "count" } | { type: "close" };

const receiver = await startReceiver({ light: true });
const send = (msg: unknown) => process.send!(msg);

process.on("message", async (cmd: Command) => {
  if (cmd.type === "configure") receiver.setSecrets([cmd.secret]);
  if (cmd.type === "reset") receiver.received.length = 0;
  if (cmd.type === "count") send({ type: "count", count: receiver.received.length });
  if (cmd.type === "report") {
    const rows = receiver.received;
    send({
      type: "report",
      count: rows.length,
      invalid: rows.filter((r) => !r.signatureValid[0] || !r.standardValid[0]).length,
      // Receipt time per webhook-id (first receipt), epoch ms with sub-ms precision.
      receipts: rows.map((r) => [r.webhookId, r.at]),
    });
  }
  if (cmd.type === "close") {
    await receiver.close();
    process.exit(0);
  }
});
send({ type: "ready", url: receiver.url });
