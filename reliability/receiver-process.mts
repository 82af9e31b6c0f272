// The reliability suite's webhook receiver, in its own process (forked with IPC) so that killing
// or starving the worker never touches it. It verifies every request's signatures (our
// X-Webhook-Signature with the product's verify helper, the Standard Webhooks headers with the
// `standardwebhooks` library, as a customer would), records (webhook-id, event data id, answer),
// and answers as configured: always 200, or chaos — 500 / hang past the sender's timeout /
// connection reset with given probabilities.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { firstHeader, verifyOwnScheme, verifyStandard } from "@/lib/testing/receiver";
import type { Chaos, ReceivedRow, ReceiverCommand, ReceiverReport } from "./protocol";


let secret = "";
let chaos: Chaos | null = null;
const rows: ReceivedRow[] = [];
let invalidSignatures = 0;
const sockets = new Set<Socket>();

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const webhookId = firstHeader(req.headers["webhook-id"]) ?? "";
    if (!verifies(body, req.headers)) invalidSignatures++;
    let dataId = "";
    try {
      dataId = String((JSON.parse(body) as { data?: { id?: unknown } }).data?.id ?? "");
    } catch {
      dataId = "<unparseable>";
    }
    const at = Date.now();
    const roll = Math.random();
    if (chaos && roll < chaos.reset) {
      rows.push([webhookId, dataId, -1, at]);
      res.socket?.resetAndDestroy();
    } else if (chaos && roll < chaos.reset + chaos.hang) {
      rows.push([webhookId, dataId, 0, at]); // never answered; the sender times out
    } else if (chaos && roll < chaos.reset + chaos.hang + chaos.fail500) {
      rows.push([webhookId, dataId, 500, at]);
      res.writeHead(500, { "content-type": "text/plain" }).end("chaos");
    } else {
      rows.push([webhookId, dataId, 200, at]);
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    }
  });
});
server.keepAliveTimeout = 60_000;
server.on("connection", (s) => {
  sockets.add(s);
  s.on("close", () => sockets.delete(s));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as AddressInfo).port;

function verifies(body: string, headers: IncomingHttpHeaders): boolean {
  return verifyOwnScheme(secret, body, headers) && verifyStandard(secret, body, headers);
}

const send = (msg: unknown) => process.send!(msg);
process.on("message", (cmd: ReceiverCommand) => {
  if (cmd.type === "configure") secret = cmd.secret;
  if (cmd.type === "chaos") chaos = cmd.chaos;
  if (cmd.type === "count") send({ type: "count", count: rows.length });
  if (cmd.type === "report") {
    const answered: Record<string, number> = {};
    for (const r of rows) answered[r[2]] = (answered[r[2]] ?? 0) + 1;
    send({ type: "report", rows, invalidSignatures, answered } satisfies ReceiverReport & { type: string });
  }
  if (cmd.type === "close") {
    for (const s of sockets) s.destroy();
    server.close(() => process.exit(0));
  }
});
// Orphaned (the suite died): go too.
process.on("disconnect", () => process.exit(0));
send({ type: "ready", url: `http://127.0.0.1:${port}/webhooks` });
