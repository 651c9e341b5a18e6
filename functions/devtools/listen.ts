/** Starts a dev server (simulator, Storage server) on a local port; `close` also ends keep-alive connections. */
import type http from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalListener {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listenLocal(
  server: http.Server,
  port = 0,
  host = "127.0.0.1",
): Promise<LocalListener> {
  // Node closes an idle keep-alive connection after 5 s by default; a client that
  // reuses it at that moment gets "socket hang up" (seen when a function's pooled
  // connection to the Storage server sat idle through a long test). The real APIs keep
  // idle connections far longer, so the dev servers do too.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
