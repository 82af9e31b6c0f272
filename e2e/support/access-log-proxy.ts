import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// A reverse proxy on 127.0.0.1 in front of the e2e server that keeps an access log, as nginx or a
// hosting platform does: the request line and the headers of every request (bodies are never
// logged). `next start` writes no request log of its own, so this is where a password sent in a
// URL would end up. The Host header goes through unchanged, so the app builds its URLs (redirects,
// the server-action origin check) for the proxy's address, as behind any proxy that preserves it.

export interface AccessLogProxy {
  url: string;
  /** One entry per request: `METHOD /path?query` then each header as `name: value`. */
  log: string[];
  close(): Promise<void>;
}

export async function startAccessLogProxy(target: string): Promise<AccessLogProxy> {
  const upstream = new URL(target);
  const log: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    log.push([`${req.method} ${req.url}`, ...headerLines(req.headers)].join("\n"));
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    forwarded.on("error", () => {
      res.writeHead(502).end();
    });
    req.pipe(forwarded);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function headerLines(headers: IncomingHttpHeaders): string[] {
  return Object.entries(headers).map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(", ") : value}`);
}
