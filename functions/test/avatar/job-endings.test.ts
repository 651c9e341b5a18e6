/**
 * Every photoreal job ends by its deadline whatever the provider says (simulator fault
 * injection): a refusal ends it only when the next read confirms it, a job the provider
 * never accepted (429 after 429) ends at the deadline like a stuck one.
 */
import { expect } from "chai";
import { consentingUser, postJob } from "../helpers/avatar";
import { waitForDoc } from "../helpers/firestore";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { avatarSdkSim } from "../helpers/servers";
import { advanceAvatarJobs } from "../../src/services/avatar/advance-jobs";
import { useStack } from "../helpers/use-stack";

const job = async (id: string) => (await db().doc(`avatar_jobs/${id}`).get()).data() ?? {};
const minutesLater = (m: number) => ({ now: () => new Date(Date.now() + m * 60_000) });

async function submittedJob(variant: number): Promise<{ jobId: string; statusPath: string }> {
  const jobId = await postJob(await consentingUser(), variant);
  const d = await waitForDoc(db().doc(`avatar_jobs/${jobId}`), (x) => Boolean(x?.provider_job_id));
  const code = String(d?.provider_job_id).split("/")[1];
  return { jobId, statusPath: `^/avatars/${code}/$` };
}

describe("photoreal jobs always end (Avatar SDK simulator faults)", function () {
  this.timeout(60000);
  useStack({
    servers: ["storage"],
    provider: "avatar-sdk",
    fresh: { firestore: true, provider: true },
    cleanAfter: { provider: true },
  });

  it("a 403 on the status read ends the job only when the next read confirms it", async () => {
    const refused = await submittedJob(4);
    const blip = await submittedJob(5);
    avatarSdkSim().faults.push(
      { path: refused.statusPath, status: 403, times: 2 },
      { path: blip.statusPath, status: 403, times: 1 },
    );
    await advanceAvatarJobs(testContext(), { budgetMs: 20000 });
    for (const j of [refused, blip]) {
      const read = await job(j.jobId);
      expect(read.status).to.equal("processing");
      expect(read.job).to.include({ authFailures: 1 });
    }
    await advanceAvatarJobs(testContext({ clock: minutesLater(2) }), { budgetMs: 20000 });
    const ended = await job(refused.jobId);
    expect(ended.status).to.equal("error");
    expect(ended.error).to.match(/refused this backend.*PROVIDER_API_KEY/);
    const after = await job(blip.jobId);
    expect(after.status).to.not.equal("error");
    expect(after.job.authFailures).to.equal(0);
  });

  it("a 404 on the status read ends the job at once", async () => {
    const gone = await submittedJob(6);
    avatarSdkSim().faults.push({ path: gone.statusPath, status: 404, times: 1 });
    const report = await advanceAvatarJobs(testContext(), { budgetMs: 20000 });
    expect(report.failed).to.equal(1);
    expect(await job(gone.jobId)).to.include({
      status: "error",
      error: "The avatar provider no longer has this avatar; create a new job.",
    });
  });

  it("a job the provider keeps rate-limiting ends at its deadline instead of staying queued", async () => {
    avatarSdkSim().faults.push({
      path: "^/(players|avatars)/$",
      status: 429,
      retryAfterSeconds: 1,
      times: 1000,
    });
    const jobId = await postJob(await consentingUser(), 7);
    await waitForDoc(db().doc(`avatar_jobs/${jobId}`), (d) =>
      // Requeued after the 429: claimed once, queued again.
      Boolean(d?.status === "queued" && d?.attempts === 1),
    );
    const late = testContext({ clock: minutesLater(61), jobDeadlineMinutes: 60 });
    const report = await advanceAvatarJobs(late, { budgetMs: 20000 });
    expect(report.failed).to.equal(1);
    expect(await job(jobId)).to.include({
      status: "error",
      error: "The avatar took longer than 60 minutes; try again.",
    });
  });
});
