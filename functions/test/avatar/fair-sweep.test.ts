/**
 * The sweep takes due jobs in order of their next check, page by page: a crowd of jobs
 * backing off (provider errors) never holds back a new job (it used to take the first
 * 100 processing jobs by updated_at and skip the ones backing off: 100+ starved the rest).
 */
import { expect } from "chai";
import { consentingUser, postJob, storedJob } from "../helpers/avatar";
import { clearFirestore, waitForDoc } from "../helpers/firestore";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { avatarSdkSim } from "../helpers/servers";
import { advanceAvatarJobs } from "../../src/services/avatar/advance-jobs";
import { useStack } from "../helpers/use-stack";

describe("fair avatar job sweeps", function () {
  this.timeout(120000);
  useStack({
    servers: ["storage"],
    provider: "avatar-sdk",
    fresh: { firestore: true, per: "suite" },
    cleanAfter: { firestore: true, per: "suite" },
  });

  it("300 jobs in backoff do not delay a new one", async () => {
    const created = new Date(Date.now() - 50 * 60_000); // older than the new job, not overdue
    const later = new Date(Date.now() + 30 * 60_000);
    for (let b = 0; b < 2; b++) {
      const batch = db().batch();
      for (let i = 0; i < 150; i++) {
        batch.set(
          db().collection("avatar_jobs").doc(`crowd-${b}-${i}`),
          storedJob({
            user_id: "u-crowd",
            state: "processing",
            provider_job_id: "player/0000",
            progress: 0.3,
            created,
            readFailures: 5,
            nextAttemptAt: later,
          }),
        );
      }
      await batch.commit();
    }
    const jobId = await postJob(await consentingUser());
    // The emulator runs the 300 documents' create triggers first (each finds its job claimed).
    await waitForDoc(db().doc(`avatar_jobs/${jobId}`), (d) => Boolean(d?.provider_job_id), 90000);
    const before = avatarSdkSim().calls.length;
    const report = await advanceAvatarJobs(testContext(), { budgetMs: 20000, batchSize: 50 });
    expect(report.checked).to.equal(1);
    expect(report.transientErrors).to.equal(0);
    const asked = avatarSdkSim()
      .calls.slice(before)
      .map((c) => c.path);
    expect(asked.some((p) => p.startsWith("/avatars/") && !p.includes("0000"))).to.equal(true);
    expect(asked.filter((p) => p.includes("/0000"))).to.deep.equal([]);
    const crowdLeft = await db()
      .collection("avatar_jobs")
      .where("user_id", "==", "u-crowd")
      .where("job.state", "==", "processing")
      .count()
      .get();
    expect(crowdLeft.data().count).to.equal(300);
  });

  it("a sweep that meets a submission still running does not postpone the job's first check", async () => {
    await clearFirestore();
    const jobId = await postJob(await consentingUser(), 8);
    const ref = db().doc(`avatar_jobs/${jobId}`);
    // Sweep while the trigger submits (as npm run demo does): one may find it claimed
    // (processing) without its provider id yet.
    let submitted = false;
    for (let i = 0; i < 400 && !submitted; i++) {
      await advanceAvatarJobs(testContext(), { budgetMs: 20000 });
      submitted = Boolean((await ref.get()).get("provider_job_id"));
    }
    expect(submitted).to.equal(true);
    const report = await advanceAvatarJobs(testContext(), { budgetMs: 20000 });
    expect(report.checked).to.equal(1);
  });
});
