import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { createHeygenClient } from "../../src/clients/heygen";
import { pollHeygenVideos } from "../../src/services/heygen/poll-videos";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { clearFirestore } from "../helpers/firestore";
import { waitForRender } from "../helpers/videos";
import { heygenSim, TEST_HEYGEN_TIMINGS } from "../setup";
import { voiceMp3, fileSize } from "../fixtures/media";

const waitMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A HeyGen video created straight on the simulator, and a project pointing at it. */
async function projectWithVideo(fields: Record<string, unknown> = {}) {
  const sim = heygenSim();
  const client = createHeygenClient(
    {
      apiVersion: "v3",
      apiBaseUrl: sim.apiUrl,
      uploadBaseUrl: sim.uploadUrl,
    },
    sim.apiKey,
  );
  const mp3 = await voiceMp3();
  const audio = await client.uploadAudio(
    { path: mp3, contentType: "audio/mpeg", size: fileSize(mp3) },
    randomUUID(),
  );
  const projectId = `p-${randomUUID().slice(0, 8)}`;
  const { videoId } = await client.createVideo({
    character: { type: "avatar", avatarId: "Daisy-inskirt-20220818" },
    audioAssetId: audio.assetId,
    title: "poll",
    callbackId: projectId,
    dimension: { width: 1280, height: 720 },
    idempotencyKey: randomUUID(),
  });
  const now = new Date();
  await db()
    .doc(`projects/${projectId}`)
    .set({
      userId: "u-poll",
      name: "poll",
      heygenVideoId: videoId,
      heygenStatus: "pending",
      heygenSubmittedAt: now,
      updatedAt: now,
      ...fields,
    });
  return { projectId, videoId };
}

const project = async (id: string) => (await db().doc(`projects/${id}`).get()).data() ?? {};

describe("poll_heygen_videos (the scheduled handler's service, against the emulator and the simulator)", function () {
  this.timeout(60000);
  beforeEach(async () => {
    await clearFirestore();
    heygenSim().reset();
    heygenSim().setTimings(TEST_HEYGEN_TIMINGS);
  });

  it("moves pending videos to completed and failed, writing only what changed", async () => {
    const ok = await projectWithVideo();
    heygenSim().model.nextVideoFailure = { code: 40119, message: "Video is too long" };
    const bad = await projectWithVideo();
    heygenSim().model.nextVideoFailure = null;
    await waitForRender(ok.videoId);
    await waitForRender(bad.videoId);
    const report = await pollHeygenVideos(testContext(), { budgetMs: 20000 });
    expect(report).to.include({ checked: 2, updated: 2, deadlineFailed: 0 });
    expect(await project(ok.projectId)).to.include({ heygenStatus: "completed" });
    expect((await project(ok.projectId)).videoUrlExpiresAt).to.be.instanceOf(Timestamp);
    expect((await project(bad.projectId)).error).to.deep.equal({
      code: "40119",
      message: "Video is too long",
    });
    const again = await pollHeygenVideos(testContext(), { budgetMs: 20000 });
    expect(again).to.include({ checked: 0, updated: 0 });
  });

  it("refreshes a completed video's URL before it expires", async () => {
    const { projectId, videoId } = await projectWithVideo();
    await waitForRender(videoId);
    heygenSim().setTimings({ urlTtlSeconds: 120 });
    await pollHeygenVideos(testContext(), { budgetMs: 20000 });
    const first = await project(projectId);
    expect(first.heygenStatus).to.equal("completed");
    heygenSim().setTimings({ urlTtlSeconds: 7 * 24 * 3600 });
    const report = await pollHeygenVideos(testContext(), { budgetMs: 20000 });
    expect(report.refreshed).to.equal(1);
    const second = await project(projectId);
    expect(second.videoUrl).to.not.equal(first.videoUrl);
    expect(second.videoUrlExpiresAt.toMillis()).to.be.greaterThan(
      first.videoUrlExpiresAt.toMillis() + 3600_000,
    );
  });

  it("fails a render stuck past the deadline, but never on a transient HeyGen error", async () => {
    heygenSim().setTimings({ videoProcessingMs: 600000 });
    const old = new Date(Date.now() - 3 * 3600_000);
    const stuck = await projectWithVideo({ heygenSubmittedAt: old, updatedAt: old });
    const flaky = await projectWithVideo({ heygenSubmittedAt: old, updatedAt: old });
    heygenSim().faults.push({
      path: `^/v3/videos/${flaky.videoId}$`,
      kind: "status",
      status: 503,
      times: 10,
    });
    const report = await pollHeygenVideos(testContext({ renderDeadlineMinutes: 60 }), {
      budgetMs: 20000,
    });
    expect(report.deadlineFailed).to.equal(1);
    expect((await project(stuck.projectId)).error.code).to.equal("RENDER_DEADLINE");
    expect((await project(flaky.projectId)).heygenStatus).to.equal("pending");
  });

  it("overlapping runs end in one consistent state", async () => {
    const videos = await Promise.all([projectWithVideo(), projectWithVideo(), projectWithVideo()]);
    await Promise.all(videos.map((v) => waitForRender(v.videoId)));
    await Promise.all([
      pollHeygenVideos(testContext(), { budgetMs: 20000 }),
      pollHeygenVideos(testContext(), { budgetMs: 20000 }),
    ]);
    for (const v of videos)
      expect(await project(v.projectId)).to.include({ heygenStatus: "completed" });
  });

  it("a 429 storm stops the run early and marks nothing failed; the next run finishes", async () => {
    const videos = await Promise.all([projectWithVideo(), projectWithVideo()]);
    await Promise.all(videos.map((v) => waitForRender(v.videoId)));
    heygenSim().faults.push({
      path: "^/v3/videos/",
      kind: "status",
      status: 429,
      retryAfterSeconds: 1,
      times: 20,
    });
    const stormy = await pollHeygenVideos(testContext(), { budgetMs: 20000 });
    expect(stormy.transientErrors).to.be.greaterThan(0);
    expect(stormy.stoppedEarly).to.equal(true);
    for (const v of videos) expect((await project(v.projectId)).heygenStatus).to.equal("pending");
    heygenSim().faults.length = 0;
    await waitMs(1100);
    await pollHeygenVideos(testContext(), { budgetMs: 20000 });
    for (const v of videos) expect((await project(v.projectId)).heygenStatus).to.equal("completed");
  });
});
