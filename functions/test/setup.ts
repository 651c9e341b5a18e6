/**
 * Root hooks for the whole suite. Suites start the servers they need themselves
 * (useServers / useProvider in helpers/servers.ts and helpers/stack.ts); the servers
 * are kept for the run and closed here, once, at its end.
 */
import { closeAllServers } from "./helpers/servers";

export const mochaHooks = {
  async afterAll() {
    await closeAllServers();
  },
};
