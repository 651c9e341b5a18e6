/**
 * The suite's waits end by their deadline with a message that says what was last read,
 * instead of returning quietly (a sweep loop that ran out) or hanging on a listener.
 */
import { expect } from "chai";
import { consentingUser, postJob, sweepUntilTerminal } from "../helpers/avatar";
import { clearFirestore, waitForDoc } from "../helpers/firestore";
import { db } from "../helpers/admin";
import { avatarSdkSim } from "../helpers/servers";
import { useStack } from "../helpers/use-stack";

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the wait to fail");
}

describe("test waits: polling reads with a deadline", function () {
  this.timeout(30000);
  useStack({
    servers: ["storage"],
    provider: "avatar-sdk",
    fresh: { firestore: true, provider: true },
    cleanAfter: { provider: true },
  });

  it("clearFirestore waits out a transaction that holds a document for longer than the emulator's 2 s", async () => {
    // A run failed in a suite's beforeEach: "Could not clear Firestore: 409 Transaction
    // lock timeout", the last test's trigger still in a transaction.
    const ref = db().doc("harness/held");
    await ref.set({ n: 1 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = db().runTransaction(async (t) => {
      await t.get(ref);
      await held;
      t.update(ref, { n: 2 });
    });
    await new Promise((r) => setTimeout(r, 200)); // the transaction holds the document
    setTimeout(release, 3000);
    await clearFirestore();
    await tx;
    expect((await ref.get()).exists).to.equal(false);
  });

  it("waitForDoc sees a write made after it started, and names the last read at its timeout", async () => {
    const ref = db().doc("wait_checks/a");
    setTimeout(() => void ref.set({ n: 2 }), 300);
    expect(await waitForDoc(ref, (d) => d?.n === 2, 5000)).to.deep.equal({ n: 2 });
    const err = await rejection(waitForDoc(ref, (d) => d?.n === 3, 400));
    expect(err.message).to.match(/wait_checks\/a did not reach .* within 400 ms/);
    expect(err.message).to.contain('last read: {"n":2}');
  });

  it("sweepUntilTerminal fails by its deadline, with the states read, when the job never ends", async () => {
    const user = await consentingUser();
    const jobId = await postJob(user);
    await waitForDoc(db().doc(`avatar_jobs/${jobId}`), (d) => Boolean(d?.provider_job_id));
    avatarSdkSim().faults.push({ path: "^/avatars/", status: 503, times: 10000 });
    const started = Date.now();
    const err = await rejection(sweepUntilTerminal(jobId, 2000));
    expect(Date.now() - started).to.be.below(15000);
    expect(err.message).to.match(/is not done or error after 2000 ms/);
    expect(err.message).to.contain('"status":"processing"');
  });
});
