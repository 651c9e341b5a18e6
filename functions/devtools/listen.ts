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
