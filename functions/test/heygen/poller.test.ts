import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { createHeygenClient } from "../../src/clients/heygen";
import { pollHeygenVideos } from "../../src/services/heygen/poll-videos";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { waitForDoc } from "../helpers/firestore";
import { waitForRender } from "../helpers/videos";
import { generationRun, videoRun } from "../helpers/projects";
import { heygenSim } from "../helpers/servers";
import { voiceMp3, fileSize } from "../fixtures/media";
import { useStack } from "../helpers/use-stack";

const waitMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A HeyGen video created straight on the simulator, and a project pointing at it as
 * generate leaves it (the video pending, submitted at `submittedAt`).
 */
async function projectWithVideo(opts: { submittedAt?: Date; apiVersion?: "v2" | "v3" } = {}) {
  const apiVersion = opts.apiVersion ?? "v3";
  const sim = heygenSim();
  const client = createHeygenClient(
    {
      apiVersion,
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
  const submittedAt = opts.submittedAt ?? new Date();
  await db()
    .doc(`projects/${projectId}`)
    .set({
      userId: "u-poll",
      name: "poll",
      heygenVideoId: videoId,
      heygenStatus: "pending",
      step: "rendering",
      updatedAt: submittedAt,
      generation: generationRun("submitted"),
      video: videoRun("pending", { submittedAt, apiVersion }),
    });
  return { projectId, videoId };
}

/** A clock `ms` ahead of real time (HeyGen's URLs still expire in real time). */
const later = (ms: number) => ({ now: () => new Date(Date.now() + ms) });

const project = async (id: string) => (await db().doc(`projects/${id}`).get()).data() ?? {};

describe("poll_heygen_videos (the scheduled handler's service, against the emulator and the simulator)", function () {
  this.timeout(60000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });

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
    // Not archived (its download keeps failing): an archived video is not refreshed.
    heygenSim().faults.push({
      path: `^/media/videos/${videoId}`,
      kind: "status",
      status: 500,
      times: 1000,
    });
    await waitForRender(videoId);
    heygenSim().setTimings({ urlTtlSeconds: 120 });
    await pollHeygenVideos(testContext(), { budgetMs: 20000 });
    const first = await project(projectId);
    expect(first.heygenStatus).to.equal("completed");
    heygenSim().setTimings({ urlTtlSeconds: 7 * 24 * 3600 });
    // Due at half its 2-minute lifetime (store/url-refresh.ts), not before.
    expect((await pollHeygenVideos(testContext(), { budgetMs: 20000 })).refreshed).to.equal(0);
    const report = await pollHeygenVideos(testContext({ clock: later(61_000) }), {
      budgetMs: 20000,
    });
    expect(report.refreshed).to.equal(1);
    const second = await project(projectId);
    expect(second.videoUrl).to.not.equal(first.videoUrl);
    expect(second.videoUrlExpiresAt.toMillis()).to.be.greaterThan(
      first.videoUrlExpiresAt.toMillis() + 3600_000,
    );
  });

  it("re-reads a completed video only when half its URL's lifetime has passed, and an archived one never", async () => {
    heygenSim().setTimings({ urlTtlSeconds: 3600 }); // a contract mock's 1-hour URLs
    const live = await projectWithVideo();
    const kept = await projectWithVideo();
    // The live video's archival keeps failing (its download): only `kept` is archived.
    heygenSim().faults.push({
      path: `^/media/videos/${live.videoId}`,
      kind: "status",
      status: 500,
      times: 1000,
    });
    await waitForRender(live.videoId);
    await waitForRender(kept.videoId);
    await pollHeygenVideos(testContext(), { budgetMs: 20000 });
    // The simulator signs URLs in real time, to the second (`Expires`): a refresh read
    // in the same second as this first read gets the same URL back, nothing to renew.
    const firstReadSecond = Math.floor(Date.now() / 1000);
    await waitForDoc(db().doc(`projects/${kept.projectId}`), (d) => d?.archive?.state === "done");
    // The margin (60 minutes here) covers the whole hour: the old schedule read both
    // completed videos again on every run.
    for (let i = 0; i < 3; i++) {
      const run = await pollHeygenVideos(testContext(), { budgetMs: 20000 });
      expect(run.checked, `run ${i + 1}: no status read before a refresh is due`).to.equal(0);
    }
    expect((await project(kept.projectId)).urlRefreshAt ?? null).to.equal(null);
    expect((await project(live.projectId)).urlRefreshAt).to.be.instanceOf(Timestamp);
    await waitMs(Math.max(0, (firstReadSecond + 1) * 1000 - Date.now()));
    const report = await pollHeygenVideos(testContext({ clock: later(31 * 60_000) }), {
      budgetMs: 20000,
    });
    expect(report.checked, "only the live video is read").to.equal(1);
    expect(report.refreshed).to.equal(1);
    // Renewed at the run's time (31 minutes ahead), 29 minutes before its new URL
    // expires: the next refresh is half of that later.
    const next = (await project(live.projectId)).urlRefreshAt.toMillis();
    expect(next - Date.now()).to.be.within(44 * 60_000, 47 * 60_000);
    heygenSim().faults.length = 0;
  });

  it("fails a render stuck past the deadline, also when HeyGen's status read keeps failing", async () => {
    heygenSim().setTimings({ videoProcessingMs: 600000 });
    const old = new Date(Date.now() - 3 * 3600_000);
    const stuck = await projectWithVideo({ submittedAt: old });
    const failingOverdue = await projectWithVideo({ submittedAt: old });
    // 30 s before its deadline: still read, and its failing read backs off for a minute.
    const nearly = new Date(Date.now() - 59.5 * 60_000);
    const flaky = await projectWithVideo({ submittedAt: nearly });
    for (const v of [failingOverdue, flaky]) {
      heygenSim().faults.push({
        path: `^/v3/videos/${v.videoId}$`,
        kind: "status",
        status: 503,
        times: 1000,
      });
    }
    const report = await pollHeygenVideos(testContext({ renderDeadlineMinutes: 60 }), {
      budgetMs: 20000,
    });
    expect(report.deadlineFailed).to.equal(2);
    expect((await project(stuck.projectId)).error.code).to.equal("RENDER_DEADLINE");
    expect((await project(failingOverdue.projectId)).error.code).to.equal("RENDER_DEADLINE");
    // Within its deadline a failing read backs off (1 minute after the first failure).
    const backedOff = await project(flaky.projectId);
    expect(backedOff).to.include({ heygenStatus: "pending" });
    expect(backedOff.video).to.include({ state: "pending", attempts: 1 });
    const wait = backedOff.video.nextAttemptAt.toMillis() - Date.now();
    expect(wait).to.be.within(30_000, 61_000);
    const reads = heygenSim().countCalls(`/v3/videos/${flaky.videoId}`);
    const quiet = await pollHeygenVideos(testContext({ renderDeadlineMinutes: 60 }), {
      budgetMs: 20000,
    });
    expect(quiet).to.include({ checked: 0, deadlineFailed: 0 });
    // Still failing and backing off when the deadline passes: it ends without a read.
    const later = { now: () => new Date(Date.now() + 40_000) };
    const overdue = await pollHeygenVideos(
      testContext({ renderDeadlineMinutes: 60, clock: later }),
      { budgetMs: 20000 },
    );
    expect(overdue.deadlineFailed).to.equal(1);
    expect(heygenSim().countCalls(`/v3/videos/${flaky.videoId}`)).to.equal(reads);
    expect((await project(flaky.projectId)).error.code).to.equal("RENDER_DEADLINE");
  });

  it("ends a video HeyGen answers 404 for at once, with a clear error", async () => {
    const gone = await projectWithVideo();
    heygenSim().faults.push({
      path: `^/v3/videos/${gone.videoId}$`,
      kind: "status",
      status: 404,
      times: 1,
    });
    const report = await pollHeygenVideos(testContext(), { budgetMs: 20000 });
    expect(report.ended).to.equal(1);
    const p = await project(gone.projectId);
    expect(p.heygenStatus).to.equal("failed");
    expect(p.error.code).to.equal("VIDEO_NOT_FOUND");
    expect(p.error.message).to.match(/no longer knows video .*generate it again/);
  });

  it("ends a video on 401/403 only when a second read confirms it", async () => {
    const refused = await projectWithVideo();
    const blip = await projectWithVideo();
    await Promise.all([waitForRender(refused.videoId), waitForRender(blip.videoId)]);
    heygenSim().faults.push(
      { path: `^/v3/videos/${refused.videoId}$`, kind: "status", status: 403, times: 2 },
      { path: `^/v3/videos/${blip.videoId}$`, kind: "status", status: 401, times: 1 },
    );
    const first = await pollHeygenVideos(testContext(), { budgetMs: 20000 });
    expect(first.ended).to.equal(0);
    for (const v of [refused, blip]) {
      const p = await project(v.projectId);
      expect(p.heygenStatus).to.equal("pending");
      expect(p.video).to.include({ authFailures: 1 });
    }
    const afterBackoff = { now: () => new Date(Date.now() + 2 * 60_000) };
    const second = await pollHeygenVideos(testContext({ clock: afterBackoff }), {
      budgetMs: 20000,
    });
    expect(second.ended).to.equal(1);
    const ended = await project(refused.projectId);
    expect(ended.heygenStatus).to.equal("failed");
    expect(ended.error.code).to.equal("VIDEO_ACCESS_DENIED");
    expect(ended.step, "what the owner sees").to.equal("failed");
    expect(ended.error.message).to.match(/refused to show video .* twice \(HTTP 403\)/);
    // A refusal the second read does not repeat was a blip: the video completes.
    const completed = await project(blip.projectId);
    expect(completed.heygenStatus).to.equal("completed");
    expect(completed.video).to.include({ authFailures: 0, attempts: 0, nextAttemptAt: null });
  });

  it("reads each video with the API version stored on its project", async () => {
    const legacy = await projectWithVideo({ apiVersion: "v2" });
    await waitForRender(legacy.videoId);
    // The configured version is v3; this project's video was made through v2.
    await pollHeygenVideos(testContext({ apiVersion: "v3" }), { budgetMs: 20000 });
    expect(await project(legacy.projectId)).to.include({ heygenStatus: "completed" });
    const reads = heygenSim().calls.filter(
      (c) => c.path.includes(legacy.videoId) || c.path === "/v1/video_status.get",
    );
    expect(reads.map((c) => c.path)).to.include("/v1/video_status.get");
    expect(reads.map((c) => c.path)).to.not.include(`/v3/videos/${legacy.videoId}`);
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
