/**
 * The deploy surface: every exported function carries the timeout, memory, concurrency
 * and maxInstances that src/runtime-options.ts gives it (and gives a reason for): an
 * operation's callable its own profile, an HTTPS function the most demanding options
 * of the operations it serves (api/operations.ts), triggers and schedules their entry.
 */
import { expect } from "chai";
import {
  AUTH_DELETE_RUNTIME,
  OPERATION_RUNTIME,
  RUNTIME,
  combineRuntime,
  type RuntimeOptions,
} from "../../src/runtime-options";
import { operationList } from "../../src/api/operations";

interface Endpoint {
  timeoutSeconds?: number;
  availableMemoryMb?: number;
  concurrency?: number;
  maxInstances?: number;
  secretEnvironmentVariables?: { key: string }[];
  callableTrigger?: unknown;
  httpsTrigger?: unknown;
}
// Loaded as the runtime loads it (require): on_auth_user_deleted is defined on access.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const functions = require("../../src/index") as Record<string, { __endpoint?: Endpoint }>;
const mb = (memory: string) =>
  Number(/^(\d+)/.exec(memory)?.[1]) * (memory.endsWith("GiB") ? 1024 : 1);

/** What each exported 2nd-gen function should be deployed with. */
function expected(): Record<string, { runtime: RuntimeOptions; secrets: string[] }> {
  const out: Record<string, { runtime: RuntimeOptions; secrets: string[] }> = {};
  const ops = operationList();
  for (const fn of new Set(ops.map(([, e]) => e.https))) {
    const mine = ops.filter(([, e]) => e.https === fn).map(([, e]) => e);
    out[fn] = {
      runtime: combineRuntime(mine.map((e) => e.runtime)),
      secrets: [...new Set(mine.flatMap((e) => e.secrets))],
    };
  }
  for (const [name, e] of ops) {
    if (e.callable) out[`${name}_call`] = { runtime: e.runtime, secrets: [...e.secrets] };
  }
  return out;
}

describe("runtime options of the exported functions", () => {
  it("exports one HTTPS function per function of the table, one callable per operation that has one, and the triggers and schedules of RUNTIME", () => {
    const v2 = Object.keys(functions).filter((n) => n !== "on_auth_user_deleted");
    expect(v2.sort()).to.deep.equal([...Object.keys(expected()), ...Object.keys(RUNTIME)].sort());
    for (const name of Object.keys(expected())) {
      const endpoint = functions[name].__endpoint;
      const kind = name.endsWith("_call") ? "callableTrigger" : "httpsTrigger";
      expect(endpoint, name).to.have.property(kind);
    }
  });

  const all = { ...Object.fromEntries(Object.entries(RUNTIME).map(([k, v]) => [k, v])) };
  for (const [name, want] of Object.entries({
    ...Object.fromEntries(Object.entries(expected()).map(([k, v]) => [k, v.runtime])),
    ...all,
  })) {
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

  it("binds each API function to exactly the secrets its operations read", () => {
    for (const [name, { secrets }] of Object.entries(expected())) {
      const bound = (functions[name].__endpoint?.secretEnvironmentVariables ?? []).map(
        (s) => s.key,
      );
      expect(bound.sort(), name).to.deep.equal([...secrets].sort());
    }
  });

  it("keeps the deploy surface the functions had before the table: the grouped HTTPS functions take their heaviest operation's options", () => {
    const fn = (name: string) => functions[name].__endpoint;
    // me: withdrawal and erasure delete upstream within the request.
    expect(fn("me")?.timeoutSeconds).to.equal(300);
    expect(fn("me_call")?.timeoutSeconds).to.equal(60);
    expect(fn("delete_account_call")?.timeoutSeconds).to.equal(300);
    // avatar_jobs: the selfie upload's memory and concurrency bound the job status read too.
    expect(fn("avatar_jobs")).to.include({ availableMemoryMb: 1024, concurrency: 8 });
    expect(fn("avatar_job_call")).to.include({ availableMemoryMb: 256, concurrency: 80 });
    expect(fn("generate")).to.include({ timeoutSeconds: 540, concurrency: 1 });
  });

  it("combines profiles: longest timeout, most memory, fewest at once, most instances", () => {
    expect(combineRuntime([OPERATION_RUNTIME.json, OPERATION_RUNTIME.selfieUpload])).to.deep.equal({
      timeoutSeconds: 60,
      memory: "1GiB",
      concurrency: 8,
      maxInstances: 20,
    });
    expect(
      combineRuntime([
        { timeoutSeconds: 30, memory: "512MiB", concurrency: 4, maxInstances: 3 },
        { timeoutSeconds: 300, memory: "256MiB", concurrency: 80, maxInstances: 10 },
      ]),
    ).to.deep.equal({ timeoutSeconds: 300, memory: "512MiB", concurrency: 4, maxInstances: 10 });
    expect(() => combineRuntime([])).to.throw();
  });

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
