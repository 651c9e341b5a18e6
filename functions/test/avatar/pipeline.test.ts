import { expect } from "chai";
import functionsTest from "firebase-functions-test";
import { PROJECT_ID } from "../helpers/env";
import { callFunction } from "../helpers/http";
import { createUser } from "../helpers/auth";
import { consentingUser, postJob, sweepUntilTerminal, waitMs } from "../helpers/avatar";
import { waitForDoc } from "../helpers/firestore";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { bucket } from "../helpers/storage";
import { avatarSdkSim } from "../helpers/servers";
import { advanceAvatarJobs } from "../../src/services/avatar/advance-jobs";
import { inspectGlb } from "../../src/services/avatar/glb";
import { buildBlendshapeMap } from "../../src/services/avatar/blendshapes";
import { useStack } from "../helpers/use-stack";

describe("photoreal pipeline end to end (Avatar SDK simulator)", function () {
  this.timeout(60000);
  useStack({
    servers: ["storage"],
    provider: "avatar-sdk",
    fresh: { firestore: true, provider: true },
  });

  it("POST → trigger → progress → done → signed URL downloads a GLB whose morphs normalise to ARKit", async () => {
    const user = await consentingUser();
    const jobId = await postJob(user);
    const reads = await sweepUntilTerminal(jobId);
    // The first read is after the trigger's submission, so "queued" is never read.
    const statuses = reads.map((w) => w.status).filter((s, i, a) => s !== a[i - 1]);
    expect(statuses).to.deep.equal(["processing", "done"]);
    const progress = reads.map((w) => w.progress);
    expect(progress).to.deep.equal([...progress].sort((a, b) => a - b));
    expect(progress.some((p) => p > 0.05 && p < 1)).to.equal(true);

    const job = await callFunction<{ status: string; progress: number; assetId: string }>(
      "avatar_jobs",
      `/avatar/jobs/${jobId}`,
      {
        token: user.idToken,
      },
    );
    expect(job.body).to.deep.equal({ status: "done", progress: 1, assetId: jobId });
    const asset = await callFunction<{
      url: string;
      expiresIn: number;
      blendshapeMap: { missing: { arkit: string[] } };
      visemes: Record<string, unknown>;
    }>("avatar_assets", `/avatar/assets/${job.body.assetId}`, { token: user.idToken });
    expect(asset.status).to.equal(200);
    expect(asset.body.expiresIn).to.equal(3600);
    expect(asset.body.blendshapeMap.missing.arkit).to.deep.equal(["tongueOut"]);
    expect(Object.keys(asset.body.visemes).sort()).to.deep.equal(["A", "E", "FV", "MBP", "O", "U"]);
    const glb = new Uint8Array(await (await fetch(asset.body.url)).arrayBuffer());
    const map = buildBlendshapeMap((await inspectGlb(glb)).targetNames);
    expect(Object.keys(map.arkit)).to.have.length(51);

    const [selfieLeft] = await bucket().file(`selfies/${user.uid}/${jobId}.jpg`).exists();
    expect(selfieLeft).to.equal(false);
    const other = await createUser();
    expect(
      (await callFunction("avatar_assets", `/avatar/assets/${jobId}`, { token: other.idToken }))
        .status,
    ).to.equal(404);
  });

  it("a rejected selfie ends the job in error with a message the user can act on", async () => {
    avatarSdkSim().rejectNextPhotos = "No face detected";
    const user = await consentingUser();
    const jobId = await postJob(user, 1);
    await sweepUntilTerminal(jobId);
    const res = await callFunction<{ status: string; error: string }>(
      "avatar_jobs",
      `/avatar/jobs/${jobId}`,
      { token: user.idToken },
    );
    expect(res.body.status).to.equal("error");
    expect(res.body.error).to.match(/No face detected.*front-facing/);
    // Retention: no job needs the selfie any more, whichever way the job ended.
    const [left] = await bucket().getFiles({ prefix: `selfies/${user.uid}/` });
    expect(left.map((f) => f.name)).to.deep.equal([]);
  });

  it("a job stuck past its deadline ends in error; a transient provider error does not", async () => {
    const user = await consentingUser();
    const jobId = await postJob(user, 2);
    await waitForDoc(db().doc(`avatar_jobs/${jobId}`), (d) => Boolean(d?.provider_job_id));
    avatarSdkSim().faults.push({ path: "^/avatars/", status: 503, times: 3 });
    const transient = await advanceAvatarJobs(testContext(), { budgetMs: 20000 });
    expect(transient.transientErrors).to.equal(1);
    const backedOff = (await db().doc(`avatar_jobs/${jobId}`).get()).data();
    expect(backedOff?.status).to.equal("processing");
    expect(backedOff?.job.readFailures).to.equal(1);
    // Within the back-off window the job is not polled again.
    const quiet = await advanceAvatarJobs(testContext(), { budgetMs: 20000 });
    expect(quiet).to.include({ checked: 0, transientErrors: 0 });
    avatarSdkSim().faults.length = 0;
    const later = { now: () => new Date(Date.now() + 2 * 3600_000) };
    await advanceAvatarJobs(testContext({ clock: later, jobDeadlineMinutes: 60 }), {
      budgetMs: 20000,
    });
    const job = (await db().doc(`avatar_jobs/${jobId}`).get()).data();
    expect(job?.status).to.equal("error");
    expect(job?.error).to.match(/longer than 60 minutes/);
    const [selfie] = await bucket()
      .file(job?.selfie_path as string)
      .exists();
    expect(selfie).to.equal(false);
  });

  describe("duplicate trigger delivery", () => {
    const fft = functionsTest({ projectId: PROJECT_ID });
    after(() => fft.cleanup());

    it("submits to the provider once however often the event is delivered", async () => {
      /* eslint-disable @typescript-eslint/no-require-imports -- the deployed build, as the emulator runs it */
      const { on_avatar_job_created } =
        require("../../lib/index") as typeof import("../../src/index");
      /* eslint-enable @typescript-eslint/no-require-imports */
      const user = await consentingUser();
      const before = avatarSdkSim().avatars.size;
      const jobId = await postJob(user, 3);
      const wrapped = fft.wrap(on_avatar_job_created);
      const snap = fft.firestore.makeDocumentSnapshot({}, `avatar_jobs/${jobId}`);
      const event = { data: snap, params: { jobId } } as never;
      await Promise.all([wrapped(event), wrapped(event)]);
      await waitForDoc(db().doc(`avatar_jobs/${jobId}`), (d) => Boolean(d?.provider_job_id));
      await wrapped(event);
      await waitMs(300);
      expect(avatarSdkSim().avatars.size).to.equal(before + 1);
      expect((await db().doc(`avatar_jobs/${jobId}`).get()).get("attempts")).to.equal(1);
    });
  });
});
