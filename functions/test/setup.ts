/**
 * Root hooks for the whole suite: the local Storage server (and, as they are added,
 * the simulators) run inside the mocha process on the fixed ports the functions are
 * configured with, so tests can inspect and steer them directly.
 */
import { startStorageServer, type StorageServer } from "../devtools/storage-server/server";
import { PORTS } from "../devtools/ports";

export const servers: { storage?: StorageServer } = {};

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(30000);
    servers.storage = await startStorageServer({ port: PORTS.storage });
  },
  async afterAll() {
    await servers.storage?.close();
  },
};
