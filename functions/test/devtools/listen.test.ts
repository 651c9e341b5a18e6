/**
 * The dev servers keep idle keep-alive connections open as long as the real APIs do:
 * with Node's 5 s default, a function's pooled connection that sat idle through a long
 * test was closed under it and its next upload failed with "socket hang up".
 */
import { expect } from "chai";
import http from "node:http";
import { listenLocal } from "../../devtools/listen";

describe("dev servers (listenLocal)", function () {
  this.timeout(20000);

  it("keep an idle keep-alive connection open past Node's 5-second default", async () => {
    const server = http.createServer((_req, res) => res.end("ok"));
    const listener = await listenLocal(server);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const get = () =>
        new Promise<{ socket: import("node:net").Socket }>((resolve, reject) => {
          const req = http.get(`${listener.url}/`, { agent }, (res) => {
            res.resume();
            res.on("end", () => resolve({ socket: req.socket as import("node:net").Socket }));
          });
          req.on("error", reject);
        });
      const first = await get();
      let closedByServer = false;
      first.socket.once("close", () => (closedByServer = true));
      await new Promise((r) => setTimeout(r, 6000));
      expect(closedByServer, "the server closed the idle connection").to.equal(false);
      const second = await get();
      expect(second.socket).to.equal(first.socket);
    } finally {
      agent.destroy();
      await listener.close();
    }
  });
});
