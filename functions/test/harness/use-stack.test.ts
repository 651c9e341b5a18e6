/**
 * useStack (helpers/use-stack.ts): a suite's servers, provider and clean start in one
 * call. It reaches only what it declared (in types and at run time), its state is fresh
 * per test or per suite as asked, and what it changed is put back for the next suite.
 */
import { expect } from "chai";
import { db } from "../helpers/admin";
import { storageServer, TEST_HEYGEN_TIMINGS } from "../helpers/servers";
import { activeProvider } from "../helpers/stack";
import { useStack } from "../helpers/use-stack";

const marker = () => db().doc("harness/use-stack");
const FAULT = { path: "^/v3/videos$", method: "POST", kind: "reset" as const, times: 1 };

describe("useStack: HeyGen only, fresh per test with the suite's own timings", function () {
  const stack = useStack({
    servers: ["heygen"],
    fresh: { firestore: true, heygen: { timings: { lookReadyMs: 4321 } } },
  });

  it("reaches the HeyGen simulator and nothing else", () => {
    expect(stack.heygen().apiKey).to.be.a("string");
    expect(() => storageServer()).to.throw(/not declared by this suite/);
    // @ts-expect-error: storage is not declared, so the stack has no accessor for it
    expect(stack.storage).to.equal(undefined);
    // @ts-expect-error: no provider is declared
    expect(stack.provider).to.equal(undefined);
  });

  it("runs with the suite's timings over TEST_HEYGEN_TIMINGS; leaves a fault and a document", async () => {
    expect(stack.heygen().model.timings).to.include({ ...TEST_HEYGEN_TIMINGS, lookReadyMs: 4321 });
    stack.heygen().faults.push(FAULT);
    await marker().set({ left: true });
  });

  it("starts the next test without them", async () => {
    expect(stack.heygen().faults).to.deep.equal([]);
    expect((await marker().get()).exists).to.equal(false);
  });
});

describe("useStack: the suite after one with its own timings", function () {
  const stack = useStack({ servers: ["heygen"], cleanAfter: { heygen: true } });

  it("finds TEST_HEYGEN_TIMINGS put back; leaves a fault", () => {
    expect(stack.heygen().model.timings).to.include(TEST_HEYGEN_TIMINGS);
    stack.heygen().faults.push(FAULT);
  });

  it("finds the fault cleaned after the test before", () => {
    expect(stack.heygen().faults).to.deep.equal([]);
  });
});

describe("useStack: fresh once per suite", function () {
  useStack({ fresh: { firestore: true, per: "suite" } });

  it("starts from an empty Firestore and writes a document", async () => {
    expect((await marker().get()).exists).to.equal(false);
    await marker().set({ kept: true });
  });

  it("keeps the document between the suite's tests", async () => {
    expect((await marker().get()).data()).to.deep.equal({ kept: true });
  });
});

describe("useStack: another provider, its faults fresh per test", function () {
  this.timeout(60000);
  const stack = useStack({ provider: "in3d", fresh: { firestore: true, provider: true } });

  it("runs that provider's simulator; leaves a fault", () => {
    expect(activeProvider()).to.equal("in3d");
    expect(stack.provider().token).to.be.a("string");
    stack.provider().faults.push({ path: "^/scans", status: 503, times: 1 });
  });

  it("starts the next test without it", () => {
    expect(stack.provider().faults).to.deep.equal([]);
  });
});

describe("useStack: the suite after the provider suite", function () {
  it("finds the provider that was active before put back", () => {
    expect(activeProvider()).to.equal("avatar-sdk");
  });
});

/** Declarations the types refuse (compiled by `npm run lint`, never called). */
export function refusedByTheTypes(): void {
  // @ts-expect-error: a fresh HeyGen simulator needs "heygen" among the servers
  useStack({ servers: ["storage"], fresh: { heygen: true } });
  // @ts-expect-error: fresh provider state needs a provider
  useStack({ servers: ["storage"], fresh: { provider: true } });
}
