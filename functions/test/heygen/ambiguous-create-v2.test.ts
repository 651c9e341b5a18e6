/**
 * An ambiguous create on the legacy API (v2), which has no idempotency key: HeyGen
 * accepts `POST /v2/video/generate`, then the connection drops, so the project does not
 * know the video. Reusing the attempt number alone does not help there (v2 ignores our
 * key): the retry must first look for the attempt's title marker in the user's folder
 * (`GET /v1/video.list`) and record the video found. (Before: a second video, billed.)
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { titleMarker } from "../../src/services/heygen/find-lost-video";
import { ApiError } from "../../src/errors";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { generationRun, leaseUntil, projectWithVoice } from "../helpers/projects";
import { grantConsentToUid } from "../helpers/consent";
import { addListedVideos } from "../helpers/sim-videos";
import { heygenSim } from "../helpers/servers";
import { simVideosOf } from "../helpers/sim-videos";
import { useStack } from "../helpers/use-stack";

const FALLBACK = "Daisy-inskirt-20220818";
const CREATE = { path: "^/v2/video/generate$", method: "POST" };
const LIST = { path: "^/v1/video\\.list$", method: "GET" };

const callsTo = (path: string) => heygenSim().calls.filter((c) => c.path === path);

const project = async (id: string) => (await db().doc(`projects/${id}`).get()).data();

async function setUp(name: string) {
  const uid = `amb2-${randomUUID().slice(0, 6)}`;
  await grantConsentToUid(uid, ["heygen_voice"]);
  const projectId = await projectWithVoice(uid, null, name);
  return { uid, projectId, app: testContext({ apiVersion: "v2", fallback: FALLBACK }) };
}

describe("generate after an ambiguous create on v2 (title marker lookup)", function () {
  this.timeout(60000);
  useStack({
    servers: ["storage", "heygen"],
    fresh: { firestore: true, heygen: true },
    cleanAfter: { heygen: true },
  });

  /** The first generate: HeyGen accepts the create, then the connection drops. */
  async function lostCreate(app: ReturnType<typeof testContext>, uid: string, projectId: string) {
    heygenSim().faults.push({ ...CREATE, kind: "reset", afterHandler: true, times: 1 });
    const failed = await generateVideo(app, uid, { projectId }).catch((e: unknown) => e);
    expect(failed).to.be.instanceOf(ApiError);
    expect((failed as ApiError).status).to.equal(502);
    const lost = simVideosOf(projectId);
    expect(lost, "the lost create made a video upstream").to.have.length(1);
    expect((await project(projectId))?.generation).to.include({
      state: "failed",
      attempts: 1,
      reuseAttempt: true,
    });
    heygenSim().faults.length = 0;
    heygenSim().calls.length = 0;
    return lost[0];
  }

  it("the retry finds the lost video by its title marker: one video upstream, the project points at it", async () => {
    const { uid, projectId, app } = await setUp("My birthday clip");
    const lost = await lostCreate(app, uid, projectId);
    expect(lost.title).to.equal(`My birthday clip${titleMarker(projectId, 1)}`);
    expect(lost.folderId, "created in the user's folder").to.be.a("string");

    const retried = await generateVideo(app, uid, { projectId });

    expect(retried.videoId).to.equal(lost.id);
    expect(
      simVideosOf(projectId).map((v) => v.id),
      "no second video billed",
    ).to.deep.equal([lost.id]);
    expect(callsTo("/v2/video/generate"), "no create on the retry").to.have.length(0);
    expect(callsTo("/v1/video.list")).to.have.length(1);
    const recorded = await project(projectId);
    expect(recorded).to.deep.include({ heygenVideoId: lost.id, heygenStatus: "pending" });
    expect(recorded?.video).to.include({ state: "pending", apiVersion: "v2" });
    expect((await project(projectId))?.generation).to.include({ state: "submitted", attempts: 1 });
  });

  it("a lookup that finds nothing creates normally (the 5xx create was not accepted)", async () => {
    const { uid, projectId, app } = await setUp("refused");
    heygenSim().faults.push({ ...CREATE, kind: "status", status: 500, times: 1 });
    await generateVideo(app, uid, { projectId }).catch((e: unknown) => e);
    expect(simVideosOf(projectId)).to.have.length(0);
    expect((await project(projectId))?.generation).to.include({ reuseAttempt: true });
    heygenSim().calls.length = 0;

    const retried = await generateVideo(app, uid, { projectId });

    // In the user's folder, then (the folder step may have failed for the lost create)
    // outside it.
    expect(callsTo("/v1/video.list")).to.have.length(2);
    expect(callsTo("/v2/video/generate")).to.have.length(1);
    expect(simVideosOf(projectId).map((v) => v.id)).to.deep.equal([retried.videoId]);
    expect(simVideosOf(projectId)[0].title).to.equal(`refused${titleMarker(projectId, 1)}`);
    expect((await project(projectId))?.heygenVideoId).to.equal(retried.videoId);
  });

  it("pages through the folder: the lost video behind 150 newer ones is found on page 2", async () => {
    const { uid, projectId, app } = await setUp("paged");
    const lost = await lostCreate(app, uid, projectId);
    addListedVideos(
      heygenSim().model,
      lost.folderId,
      Array.from({ length: 150 }, (_, i) => `Other ${i}${titleMarker(`p-other${i}`, 1)}`),
    );

    const retried = await generateVideo(app, uid, { projectId });

    expect(retried.videoId).to.equal(lost.id);
    expect(simVideosOf(projectId)).to.have.length(1);
    const pages = callsTo("/v1/video.list");
    expect(pages, "two pages of 100").to.have.length(2);
    expect(callsTo("/v2/video/generate")).to.have.length(0);
  });

  it("a take-over of a claim whose worker died mid-create looks first too", async () => {
    const { uid, projectId, app } = await setUp("taken over");
    const folderId = "a".repeat(32);
    heygenSim().model.folders.set(folderId, {
      id: folderId,
      name: `masky_${uid}`,
      projectType: "video",
    });
    await db().doc(`users/${uid}`).set({ heygenFolderId: folderId }, { merge: true });
    // The dead worker's create reached HeyGen; its lease (attempt 2) expired a minute ago.
    const [orphan] = addListedVideos(heygenSim().model, folderId, [
      `taken over${titleMarker(projectId, 2)}`,
    ]);
    await db()
      .doc(`projects/${projectId}`)
      .update({
        generation: generationRun("submitting", {
          attempts: 2,
          lease: leaseUntil("dead-worker", new Date(Date.now() - 60000)),
        }),
      });

    const retried = await generateVideo(app, uid, { projectId });

    expect(retried.videoId).to.equal(orphan);
    expect(callsTo("/v2/video/generate")).to.have.length(0);
    expect(await project(projectId)).to.include({ heygenVideoId: orphan });
    expect((await project(projectId))?.generation).to.include({ state: "submitted", attempts: 2 });
  });

  it("a lookup that fails creates nothing: 502, the attempt kept, and the next generate finds the video", async () => {
    const { uid, projectId, app } = await setUp("lookup down");
    const lost = await lostCreate(app, uid, projectId);
    heygenSim().faults.push({ ...LIST, kind: "status", status: 503, times: 50 });

    const failed = await generateVideo(app, uid, { projectId }).catch((e: unknown) => e);

    expect(failed).to.be.instanceOf(ApiError);
    expect((failed as ApiError).toBody().error).to.equal("UPSTREAM_ERROR");
    expect(callsTo("/v2/video/generate"), "no blind create").to.have.length(0);
    expect(simVideosOf(projectId)).to.have.length(1);
    expect((await project(projectId))?.generation).to.include({
      state: "failed",
      attempts: 1,
      reuseAttempt: true,
    });

    heygenSim().faults.length = 0;
    const retried = await generateVideo(app, uid, { projectId });
    expect(retried.videoId).to.equal(lost.id);
    expect(simVideosOf(projectId)).to.have.length(1);
  });
});
