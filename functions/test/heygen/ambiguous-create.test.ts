/**
 * An ambiguous create: HeyGen accepts `POST /v3/videos`, then the connection drops and
 * the transport's own retries (same Idempotency-Key) meet 503s until generate gives up.
 * The video exists upstream, but the project does not know it. The next generate must
 * reuse the attempt, so its Idempotency-Key replays that create: exactly one video
 * upstream, and the project points at it. (A new attempt number billed a second video.)
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { ApiError } from "../../src/errors";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { generationRun, leaseUntil, projectWithVoice } from "../helpers/projects";
import { heygenClientFor } from "../../src/services/heygen/client";
import { fileSize, voiceMp3 } from "../fixtures/media";
import { grantConsentToUid } from "../helpers/consent";
import { heygenSim } from "../helpers/servers";
import { simVideoIdsOf } from "../helpers/sim-videos";
import { useStack } from "../helpers/use-stack";

const FALLBACK = "Daisy-inskirt-20220818";

describe("generate after an ambiguous create (accepted upstream, answer lost)", function () {
  this.timeout(60000);
  useStack({
    servers: ["storage", "heygen"],
    fresh: { firestore: true, heygen: true },
    cleanAfter: { heygen: true },
  });

  it("v3: the retry reuses the attempt and its Idempotency-Key; one video upstream, the project points at it", async () => {
    const sim = heygenSim();
    const uid = `amb-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid, ["heygen_voice"]);
    const projectId = await projectWithVoice(uid, null, "ambiguous");
    const app = testContext({ apiVersion: "v3", fallback: FALLBACK });

    // Accepted, then the connection drops; every retry of the same request meets a 503.
    sim.faults.push(
      { path: "^/v3/videos$", method: "POST", kind: "reset", afterHandler: true, times: 1 },
      { path: "^/v3/videos$", method: "POST", kind: "status", status: 503, times: 50 },
    );
    const failed = await generateVideo(app, uid, { projectId }).catch((e: unknown) => e);
    expect(failed).to.be.instanceOf(ApiError);
    expect(simVideoIdsOf(projectId), "the lost create made a video upstream").to.have.length(1);
    const [upstreamId] = simVideoIdsOf(projectId);
    const afterFailure = (await db().doc(`projects/${projectId}`).get()).data();
    expect(afterFailure?.generation).to.include({
      state: "failed",
      attempts: 1,
      reuseAttempt: true,
    });
    expect(afterFailure?.heygenVideoId ?? null).to.equal(null);

    sim.faults.length = 0;
    const retried = await generateVideo(app, uid, { projectId });

    expect(retried.videoId).to.equal(upstreamId);
    expect(simVideoIdsOf(projectId), "no second video billed").to.deep.equal([upstreamId]);
    const keys = sim.calls
      .filter((c) => c.path === "/v3/videos" && c.method === "POST")
      .map((c) => c.idempotencyKey);
    expect(new Set(keys)).to.deep.equal(new Set([`video-${projectId}-1`]));
    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project).to.include({ heygenVideoId: upstreamId, heygenStatus: "pending" });
    expect(project?.generation).to.include({ state: "submitted", attempts: 1 });
  });

  it("a create HeyGen refused (4xx) is certain: the next generate takes a new attempt", async () => {
    const sim = heygenSim();
    const uid = `amb-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid, ["heygen_voice"]);
    const projectId = await projectWithVoice(uid, null, "refused");
    const app = testContext({ apiVersion: "v3", fallback: FALLBACK });

    sim.faults.push({
      path: "^/v3/videos$",
      method: "POST",
      kind: "status",
      status: 400,
      times: 1,
    });
    await generateVideo(app, uid, { projectId }).catch((e: unknown) => e);
    const afterFailure = (await db().doc(`projects/${projectId}`).get()).data();
    expect(afterFailure?.generation).to.include({
      state: "failed",
      attempts: 1,
      reuseAttempt: false,
    });

    const retried = await generateVideo(app, uid, { projectId });
    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project?.generation).to.include({ state: "submitted", attempts: 2 });
    expect(project?.heygenVideoId).to.equal(retried.videoId);
  });

  it("a take-over that then fails for sure keeps the attempt: the dead worker's create is replayed, not billed again", async () => {
    const sim = heygenSim();
    const uid = `amb-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid, ["heygen_voice"]);
    const projectId = await projectWithVoice(uid, null, "taken over");
    const app = testContext({ apiVersion: "v3", fallback: FALLBACK });
    // A worker claimed attempt 1, created its video at HeyGen, and died before recording it.
    const client = heygenClientFor(app);
    const mp3 = await voiceMp3();
    const audio = await client.uploadAudio(
      { path: mp3, contentType: "audio/mpeg", size: fileSize(mp3) },
      randomUUID(),
    );
    const { videoId: orphan } = await client.createVideo({
      character: { type: "avatar", avatarId: FALLBACK },
      audioAssetId: audio.assetId,
      title: "taken over",
      callbackId: projectId,
      dimension: { width: 1280, height: 720 },
      idempotencyKey: `video-${projectId}-1`,
    });
    await db()
      .doc(`projects/${projectId}`)
      .update({
        generation: generationRun("submitting", {
          attempts: 1,
          lease: leaseUntil("dead-worker", new Date(Date.now() - 60000)),
        }),
      });

    // The take-over fails for certain, before its create (HeyGen refuses the audio).
    sim.faults.push({
      path: "^/v3/assets$",
      method: "POST",
      kind: "status",
      status: 400,
      times: 1,
    });
    const failed = await generateVideo(app, uid, { projectId }).catch((e: unknown) => e);
    expect(failed).to.be.instanceOf(ApiError);
    const afterFailure = (await db().doc(`projects/${projectId}`).get()).data();
    expect(afterFailure?.generation).to.include({
      state: "failed",
      attempts: 1,
      reuseAttempt: true,
    });

    const retried = await generateVideo(app, uid, { projectId });
    expect(retried.videoId, "the dead worker's video, replayed by its key").to.equal(orphan);
    expect(simVideoIdsOf(projectId), "no second video billed").to.deep.equal([orphan]);
  });
});
