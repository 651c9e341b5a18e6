/**
 * Reservations of the same counters under contention, against the Firestore emulator,
 * which aborts contending transactions (wound-wait): each reservation either counts
 * or is refused with a clear, retryable error; none fails with the emulator's raw
 * "Transaction is invalid or closed" (a 500 to the user). The first test builds the
 * abort for certain: a reservation is held between its two reads while an older
 * transaction writes the counter it has read.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import type { DocumentReference, Firestore, Transaction } from "firebase-admin/firestore";
import { dayWindow } from "../../src/store/counters";
import { reserveVideo } from "../../src/services/quotas/video-quota";
import { ApiError } from "../../src/errors";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { clearFirestore } from "../helpers/firestore";

const CONCURRENT = 25;

/**
 * `target`, except that the first transaction reading `path` stops right after that
 * read (its lock held) until `gate` resolves; `paused` resolves when it stops there.
 */
function pausingAfterRead(target: Firestore, path: string, gate: Promise<void>) {
  let arrived!: () => void;
  const paused = new Promise<void>((r) => (arrived = r));
  let done = false;
  const runTransaction: Firestore["runTransaction"] = (update, options) =>
    target.runTransaction(
      (tx) =>
        update(
          new Proxy(tx, {
            get(inner, p) {
              const value: unknown = Reflect.get(inner, p, inner);
              if (p !== "get") return typeof value === "function" ? value.bind(inner) : value;
              return async (ref: DocumentReference, ...rest: unknown[]) => {
                const read: unknown = await (inner.get as (...a: unknown[]) => unknown)(
                  ref,
                  ...rest,
                );
                if (!done && ref?.path === path) {
                  done = true;
                  arrived();
                  await gate;
                }
                return read;
              };
            },
          }) as Transaction,
        ),
      options,
    );
  const db = new Proxy(target, {
    get(inner, p) {
      if (p === "runTransaction") return runTransaction;
      const value: unknown = Reflect.get(inner, p, inner);
      return typeof value === "function" ? value.bind(inner) : value;
    },
  });
  return { db, paused };
}

describe("quota reservations under contention", function () {
  this.timeout(120000);
  beforeEach(() => clearFirestore());

  it("a reservation whose transaction an older one aborts is counted (retried), not a raw error", async () => {
    const uid = `ct-${randomUUID().slice(0, 6)}`;
    const counterPath = `users/${uid}/counters/heygen_videos_day`;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { db: pausing, paused } = pausingAfterRead(db(), counterPath, gate);
    const app = {
      ...testContext({ quotas: { videosPerUserPerDay: 1000, heygenVideosPerDay: 1000 } }),
      db: pausing,
    };
    // The older transaction: it begins (a read) before the reservation does.
    let olderBegun!: () => void;
    const begun = new Promise<void>((r) => (olderBegun = r));
    let writeNow!: () => void;
    const mayWrite = new Promise<void>((r) => (writeNow = r));
    const window = dayWindow(new Date()).window;
    const older = db().runTransaction(async (tx) => {
      await tx.get(db().doc(`users/${uid}`));
      olderBegun();
      await mayWrite;
      tx.set(db().doc(counterPath), { window, count: 10, updatedAt: new Date() });
    });
    await begun;
    const reserving = reserveVideo(app, uid).then(
      () => null,
      (err: unknown) => err,
    );
    await paused; // the reservation holds its read of the counter
    writeNow();
    // The older one's commit wounds the held reservation (or, if the emulator lets it
    // wait instead, goes on once the reservation is let through).
    await Promise.race([older, new Promise((r) => setTimeout(r, 3000))]);
    release();
    const [err] = await Promise.all([reserving, older]);
    expect(err, String(err)).to.equal(null);
    const count = (await db().doc(counterPath).get()).get("count");
    expect(count, "the older write and the reservation both count").to.equal(11);
  });

  it(`${CONCURRENT} concurrent reservations of one user's videos: each counted, or 429 with Retry-After, never a raw transaction error`, async () => {
    const app = testContext({
      quotas: { videosPerUserPerDay: 1000, heygenVideosPerDay: 1000 },
    });
    const uid = `ct-${randomUUID().slice(0, 6)}`;
    const results = await Promise.allSettled(
      Array.from({ length: CONCURRENT }, () => reserveVideo(app, uid)),
    );
    const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    for (const err of failures) {
      expect(err, String(err)).to.be.instanceOf(ApiError);
      expect((err as ApiError).code).to.equal("RATE_LIMITED");
      expect((err as ApiError).headers["Retry-After"]).to.match(/^\d+$/);
    }
    const counted = results.length - failures.length;
    expect(counted, "most reservations go through").to.be.greaterThan(CONCURRENT / 2);
    const count = (await db().doc(`users/${uid}/counters/heygen_videos_day`).get()).get("count");
    expect(count, "the counter matches the reservations that succeeded").to.equal(counted);
  });
});
