/** The contention retry of transactions on hot documents (src/store/contended-transaction.ts). */
import { expect } from "chai";
import type { Firestore } from "firebase-admin/firestore";
import {
  isContention,
  runContended,
  type ContentionPolicy,
} from "../../src/store/contended-transaction";
import { ApiError } from "../../src/errors";

const grpc = (code: number, message: string) => Object.assign(new Error(message), { code });
const closed = () => grpc(3, "3 INVALID_ARGUMENT: Transaction is invalid or closed.");
const POLICY: ContentionPolicy = { attempts: 3, baseMs: 1, capMs: 2, jitter: "none" };

/** A Firestore whose runTransaction fails with each of `errors` in turn, then answers 42. */
function failingDb(errors: Error[]): { db: Firestore; runs: () => number } {
  let runs = 0;
  const db = {
    runTransaction: async () => {
      const err = errors[runs++];
      if (err) throw err;
      return 42;
    },
  } as unknown as Firestore;
  return { db, runs: () => runs };
}

describe("isContention", () => {
  it("knows both forms: ABORTED, and the emulator's closed or expired transaction", () => {
    expect(isContention(grpc(10, "10 ABORTED: Too much contention on these documents."))).to.equal(
      true,
    );
    expect(isContention(closed())).to.equal(true);
    expect(isContention(grpc(3, "3 INVALID_ARGUMENT: The transaction has expired."))).to.equal(
      true,
    );
  });

  it("is no other error: another INVALID_ARGUMENT, an ApiError, a plain Error", () => {
    expect(isContention(grpc(3, "3 INVALID_ARGUMENT: Document path is invalid"))).to.equal(false);
    expect(isContention(new ApiError("QUOTA_EXCEEDED", "limit"))).to.equal(false);
    expect(isContention(new Error("Transaction is invalid or closed"))).to.equal(false);
    expect(isContention(null)).to.equal(false);
  });
});

describe("runContended", () => {
  const noSleep = async () => undefined;

  it("starts a new transaction after contention and answers its result", async () => {
    const { db, runs } = failingDb([closed(), grpc(10, "ABORTED")]);
    expect(await runContended(db, async () => 0, POLICY, noSleep)).to.equal(42);
    expect(runs()).to.equal(3);
  });

  it("answers 429 RATE_LIMITED with Retry-After once the attempts are spent", async () => {
    const { db, runs } = failingDb([closed(), closed(), closed(), closed()]);
    const err = await runContended(db, async () => 0, POLICY, noSleep).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ApiError);
    expect((err as ApiError).code).to.equal("RATE_LIMITED");
    expect((err as ApiError).headers["Retry-After"]).to.equal("1");
    expect(runs()).to.equal(POLICY.attempts);
  });

  it("passes any other error through at once", async () => {
    const refusal = new ApiError("QUOTA_EXCEEDED", "limit");
    const { db, runs } = failingDb([refusal]);
    const err = await runContended(db, async () => 0, POLICY, noSleep).catch((e: unknown) => e);
    expect(err).to.equal(refusal);
    expect(runs()).to.equal(1);
  });

  it("waits the backoff between attempts", async () => {
    const waits: number[] = [];
    const { db } = failingDb([closed(), closed()]);
    await runContended(
      db,
      async () => 0,
      { ...POLICY, baseMs: 10, capMs: 15 },
      async (ms) => {
        waits.push(ms);
      },
    );
    expect(waits).to.deep.equal([10, 15]);
  });
});
