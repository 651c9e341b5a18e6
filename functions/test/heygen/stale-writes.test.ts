/**
 * The stale-write guard: HeyGen's answer about a video is written onto its project
 * only while the project still points at that video. Each test builds the race for
 * real: the simulator holds the status read of the old (finished) video, the project
 * moves on to a newer video meanwhile (written as a new generate writes it), then the
 * read is let through. A late webhook, poller run or video_status call for the old
 * video must leave the project on the newer one, untouched.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { createHeygenClient } from "../../src/clients/heygen";
import { RECORDED_VOICE } from "../../src/services/heygen/voice-source";
import { claimSubmit, markSubmitted } from "../../src/store/project-generation";
import { pollHeygenVideos } from "../../src/services/heygen/poll-videos";
import { signBody } from "../../src/services/heygen/webhook";
import { SIMULATED_SECRETS } from "../../devtools/stack-env";
import { callFunction } from "../helpers/http";
import type { TestUser } from "../helpers/auth";
import { consentingUser } from "../helpers/consent";
import { startVideo, waitForRender } from "../helpers/videos";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { heygenSim } from "../helpers/servers";
import { voiceMp3, fileSize } from "../fixtures/media";
import { useStack } from "../helpers/use-stack";

/** A second video of the same project, created straight on the simulator. */
async function newerVideo(projectId: string): Promise<string> {
  const sim = heygenSim();
  const client = createHeygenClient(
    { apiVersion: "v3", apiBaseUrl: sim.apiUrl, uploadBaseUrl: sim.uploadUrl },
    sim.apiKey,
  );
  const mp3 = await voiceMp3();
  const audio = await client.uploadAudio(
    { path: mp3, contentType: "audio/mpeg", size: fileSize(mp3) },
    randomUUID(),
  );
  const { videoId } = await client.createVideo({
    character: { type: "avatar", avatarId: "Daisy-inskirt-20220818" },
    audioAssetId: audio.assetId,
    title: "newer",
    callbackId: projectId,
    dimension: { width: 1280, height: 720 },
    idempotencyKey: randomUUID(),
  });
  return videoId;
}

/**
 * Starts `late` (something that reads the old video from HeyGen and writes what it
 * read), holds that read, moves the project to a newer video, lets the read through,
 * and returns what `late` returned and the newer video id.
 */
async function raceAgainstNewerVideo<T>(
  old: { projectId: string; videoId: string },
  late: () => Promise<T>,
): Promise<{ result: T; newer: string }> {
  await waitForRender(old.videoId);
  const newer = await newerVideo(old.projectId);
  const held = heygenSim().hold(`^/v3/videos/${old.videoId}$`, "GET");
  const pending = late();
  await held.reached;
  // A new generate of the project: its claim (the old video is finished), then its record.
  const ref = db().doc(`projects/${old.projectId}`);
  await ref.update({ heygenStatus: "completed", "video.state": "completed" });
  const uid = (await ref.get()).get("userId") as string;
  const claim = await claimSubmit(db(), old.projectId, uid, new Date());
  if (claim.kind !== "claimed") throw new Error(`expected a claim, got ${claim.kind}`);
  await markSubmitted(db(), old.projectId, claim.lease, {
    videoId: newer,
    fallbackAvatarUsed: false,
    voice: RECORDED_VOICE,
    scriptSha256: null,
    apiVersion: "v3",
    now: new Date(),
  });
  held.release();
  return { result: await pending, newer };
}

async function expectStillOnNewer(projectId: string, newer: string) {
  const project = (await db().doc(`projects/${projectId}`).get()).data();
  expect(project).to.deep.include({
    heygenVideoId: newer,
    heygenStatus: "pending",
    videoUrl: null,
    videoUrlExpiresAt: null,
    thumbnailUrl: null,
    durationSeconds: null,
    archivedVideoPath: null,
    step: "rendering",
    error: null,
  });
  expect(project?.video).to.include({ state: "pending" });
}

describe("stale writes: a late result for an old video never overwrites a project that moved on", function () {
  this.timeout(60000);
  useStack({
    servers: ["storage", "heygen"],
    fresh: { firestore: true, heygen: true },
    cleanAfter: { heygen: true },
  });
  let user: TestUser;
  beforeEach(async () => {
    user = await consentingUser();
  });

  it("heygen_webhook: the success event of the old video, confirmed after the project moved on", async () => {
    const old = await startVideo(user);
    const raw = JSON.stringify({
      event_type: "avatar_video.success",
      event_data: { video_id: old.videoId, callback_id: old.projectId, url: "ignored" },
    });
    const { result, newer } = await raceAgainstNewerVideo(old, () =>
      callFunction<{ handled?: boolean }>("heygen_webhook", "/api/heygen/webhook", {
        method: "POST",
        headers: { signature: signBody(raw, SIMULATED_SECRETS.HEYGEN_WEBHOOK_SECRET) },
        body: raw,
      }),
    );
    expect(result.status).to.equal(200);
    expect(result.body.handled).to.equal(false);
    await expectStillOnNewer(old.projectId, newer);
  });

  it("poll_heygen_videos: a run that read the old video before the project moved on", async () => {
    const old = await startVideo(user);
    const { result, newer } = await raceAgainstNewerVideo(old, () =>
      pollHeygenVideos(testContext(), { budgetMs: 30000 }),
    );
    expect(result).to.include({ checked: 1, updated: 0, refreshed: 0 });
    await expectStillOnNewer(old.projectId, newer);
  });

  it("video_status: the owner asks about the old video while a newer one is started", async () => {
    const old = await startVideo(user);
    const { result, newer } = await raceAgainstNewerVideo(old, () =>
      callFunction<{ status: string }>(
        "video_status",
        `/api/heygen/video_status.get?video_id=${old.videoId}`,
        { token: user.idToken },
      ),
    );
    // The answer is about the video asked for; the project is not touched.
    expect(result.status).to.equal(200);
    expect(result.body.status).to.equal("completed");
    await expectStillOnNewer(old.projectId, newer);
  });
});
