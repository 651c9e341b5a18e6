/**
 * A project deleted while its generate runs: the simulator holds the create, the test
 * deletes the project, then lets the create through. The video HeyGen made cannot be
 * recorded (the project is gone), so generate deletes it upstream at once and gives
 * the reserved video back. And an erasure finds a video no project records by its
 * title marker, and deletes it.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { deleteProject } from "../../src/services/heygen/delete-project-media";
import { videoTitle } from "../../src/services/heygen/find-lost-video";
import { runErasureStep } from "../../src/services/privacy/erasure-steps";
import { heygenClientFor } from "../../src/services/heygen/client";
import { ApiError } from "../../src/errors";
import { testContext } from "../helpers/context";
import { projectWithVoice } from "../helpers/projects";
import { grantConsentToUid } from "../helpers/consent";
import { heygenSim } from "../helpers/servers";
import { useStack } from "../helpers/use-stack";
import { videosUsedToday } from "../helpers/quotas";

const FALLBACK = "Daisy-inskirt-20220818";

describe("generate: the project deleted while its video is created (a paid orphan)", function () {
  this.timeout(60000);
  useStack({
    servers: ["storage", "heygen"],
    fresh: { firestore: true, heygen: true },
    cleanAfter: { heygen: true },
  });

  it("deletes the video at HeyGen at once, answers 409 saying so, and gives the video back", async () => {
    const sim = heygenSim();
    const uid = `orph-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid, ["heygen_voice"]);
    const projectId = await projectWithVoice(uid, null, "orphan");
    const app = testContext({ apiVersion: "v3", fallback: FALLBACK });

    const held = sim.hold("^/v3/videos$", "POST");
    const running = generateVideo(app, uid, { projectId }).then(
      () => null,
      (err: unknown) => err,
    );
    await held.reached;
    await deleteProject(app, uid, projectId);
    held.release();
    const err = await running;

    expect(err).to.be.instanceOf(ApiError);
    expect((err as ApiError).code).to.equal("CONFLICT");
    expect((err as ApiError).message).to.match(/deleted at HeyGen/);
    const created = sim.calls.filter((c) => c.path === "/v3/videos" && c.method === "POST");
    expect(created, "the create went through").to.have.length(1);
    const left = [...sim.model.videos.values()].filter((v) => v.callbackId === projectId);
    expect(left, "no video of the deleted project stays at HeyGen").to.deep.equal([]);
    expect(await videosUsedToday(uid), "the reserved video is given back").to.equal(0);
  });

  it("erasure deletes a video no project records, found by the project's title marker", async () => {
    const sim = heygenSim();
    const uid = `orph-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid, ["heygen_voice"]);
    const projectId = await projectWithVoice(uid, null, "lost");
    const app = testContext({ apiVersion: "v3", fallback: FALLBACK });
    const { videoId } = await generateVideo(app, uid, { projectId }).then((a) => {
      if (!("videoId" in a) || !a.videoId) throw new Error("no video");
      return { videoId: a.videoId };
    });
    // A create of attempt 2 whose answer was lost: HeyGen has it, the project does not.
    const client = heygenClientFor(app);
    const project = { name: "lost" };
    const lost = await client.createVideo({
      character: { type: "avatar", avatarId: FALLBACK },
      textVoice: { script: "lost", voiceId: null, speed: 1, pitch: 0 },
      title: videoTitle(project, projectId, 2),
      callbackId: projectId,
      dimension: { width: 1280, height: 720 },
      idempotencyKey: `video-${projectId}-2`,
    });
    // Another user's video whose project id starts with this one's is not touched.
    const other = await client.createVideo({
      character: { type: "avatar", avatarId: FALLBACK },
      textVoice: { script: "other", voiceId: null, speed: 1, pitch: 0 },
      title: videoTitle(project, `${projectId}x`, 1),
      callbackId: `${projectId}x`,
      dimension: { width: 1280, height: 720 },
      idempotencyKey: `video-${projectId}x-1`,
    });

    const counts = await runErasureStep(app, uid, "heygen");

    expect(sim.model.videos.has(lost.videoId), "the lost video is deleted").to.equal(false);
    expect(sim.model.videos.has(videoId), "the recorded video is deleted").to.equal(false);
    expect(sim.model.videos.has(other.videoId), "another project's video stays").to.equal(true);
    expect(counts.heygen?.video?.deleted).to.equal(2);
  });
});
