// `npm start`: the production server. It is `next start` plus one thing Next.js cannot do for
// the App Router: tell route handlers which address the TCP connection came from (there is no
// req.ip, and `next start` only fills X-Forwarded-For when the client left it out, so a client
// that sends one chooses its own address). Each request gets the socket's address in
// SOCKET_ADDRESS_HEADER, replacing any copy the client sent; lib/api/client-address.ts reads it.
// Usage: node server.mjs [-H host] [-p port]   (defaults: PORT or 3000, all interfaces)
import { createServer } from "node:http";
import next from "next";

const SOCKET_ADDRESS_HEADER = "x-partnersmy-socket-address"; // = lib/api/client-address.ts

const args = process.argv.slice(2);
const option = (...names) => {
  const i = args.findIndex((a) => names.includes(a));
  return i >= 0 ? args[i + 1] : undefined;
};
const hostname = option("-H", "--hostname");
const port = Number(option("-p", "--port") ?? process.env.PORT ?? 3000);

// Tells the app (same process) that the header below was written here, not by a client.
process.env.PARTNERSMY_SOCKET_ADDRESS_HEADER = "1";

const app = next({ dev: false, hostname: hostname ?? "localhost", port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  req.headers[SOCKET_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
  void handle(req, res);
});
server.listen(port, hostname, () => {
  console.log(`> Ready on http://${hostname ?? "localhost"}:${port}`);
});
