/**
 * The deploy surface: every exported function carries the timeout, memory, concurrency
 * and maxInstances that src/runtime-options.ts gives it (and gives a reason for).
 */
import { expect } from "chai";
import { AUTH_DELETE_RUNTIME, RUNTIME } from "../../src/runtime-options";

interface Endpoint {
  timeoutSeconds?: number;
  availableMemoryMb?: number;
  concurrency?: number;
  maxInstances?: number;
}
// Loaded as the runtime loads it (require): on_auth_user_deleted is defined on access.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const functions = require("../../src/index") as Record<string, { __endpoint?: Endpoint }>;
const mb = (memory: string) =>
  Number(/^(\d+)/.exec(memory)?.[1]) * (memory.endsWith("GiB") ? 1024 : 1);

describe("runtime options of the exported functions", () => {
  it("every 2nd-gen function has its entry in RUNTIME, and nothing else is listed", () => {
    const v2 = Object.keys(functions).filter((n) => n !== "on_auth_user_deleted");
    expect(v2.sort()).to.deep.equal(Object.keys(RUNTIME).sort());
  });

  for (const [name, want] of Object.entries(RUNTIME)) {
    it(`${name}: ${want.timeoutSeconds} s, ${want.memory}, concurrency ${want.concurrency}, at most ${want.maxInstances} instances`, () => {
      const endpoint = functions[name].__endpoint;
      expect(endpoint, name).to.not.equal(undefined);
      expect({
        timeoutSeconds: endpoint?.timeoutSeconds,
        availableMemoryMb: endpoint?.availableMemoryMb,
        concurrency: endpoint?.concurrency,
        maxInstances: endpoint?.maxInstances,
      }).to.deep.equal({
        timeoutSeconds: want.timeoutSeconds,
        availableMemoryMb: mb(want.memory),
        concurrency: want.concurrency,
        maxInstances: want.maxInstances,
      });
    });
  }

  it("on_auth_user_deleted (v1): the erasure's timeout and its instance cap", () => {
    const previous = process.env.GCLOUD_PROJECT;
    process.env.GCLOUD_PROJECT = previous ?? "demo-masky-test"; // the v1 trigger reads it
    try {
      const endpoint = functions.on_auth_user_deleted.__endpoint;
      expect(endpoint?.timeoutSeconds).to.equal(AUTH_DELETE_RUNTIME.timeoutSeconds);
      expect(endpoint?.availableMemoryMb).to.equal(256);
      expect(endpoint?.maxInstances).to.equal(AUTH_DELETE_RUNTIME.maxInstances);
    } finally {
      if (previous === undefined) delete process.env.GCLOUD_PROJECT;
    }
  });
});
