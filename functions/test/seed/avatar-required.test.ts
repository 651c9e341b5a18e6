/**
 * The seed's rule "if no mapping/avatars can be resolved from the user's asset, backend
 * attempts a public avatar fallback; if still unavailable, returns 400
 * HEYGEN_AVATAR_REQUIRED with guidance", on every path that ends without an avatar, on
 * both API versions: no photo and no fallback; a look HeyGen ends `failed`; the same
 * failed photo again; a photo HeyGen refuses outright; a fallback avatar HeyGen does not
 * have; and a look that fails in the background after generate answered 202. Through the
 * service with a context of our own (the emulated functions have a fallback configured).
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { resumeGenerate } from "../../src/services/heygen/resume-generate";
import { generateBody } from "../../src/handlers/heygen-schemas";
import { ApiError } from "../../src/errors";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { grantConsentToUid } from "../helpers/consent";
import { generationRun, projectWithVoice } from "../helpers/projects";
import { heygenSim } from "../helpers/servers";
import { useStack } from "../helpers/use-stack";
import { videosUsedToday } from "../helpers/quotas";

const VERSIONS = ["v3", "v2"] as const;
const createPath = { v3: "/v3/videos", v2: "/v2/video/generate" } as const;

async function consentingUid(): Promise<string> {
  const uid = `ar-${randomUUID().slice(0, 8)}`;
  await grantConsentToUid(uid);
  return uid;
}

async function refusal(run: Promise<unknown>): Promise<ApiError> {
  const err = await run.then(
    (ok) => ok,
    (e: unknown) => e,
  );
  expect(err, JSON.stringify(err)).to.be.instanceOf(ApiError);
  return err as ApiError;
}

/** The answer, what the project keeps, and that no video was made or billed. */
async function expectAvatarRequired(
  err: ApiError,
  projectId: string,
  version: "v2" | "v3",
): Promise<void> {
  expect(err.code, err.message).to.equal("HEYGEN_AVATAR_REQUIRED");
  expect(err.status).to.equal(400);
  expect(err.message).to.contain("userAvatarUrl").and.to.contain("heygenAvatarId");
  const project = (await db().doc(`projects/${projectId}`).get()).data();
  expect(project?.error?.code).to.equal("HEYGEN_AVATAR_REQUIRED");
  expect(project?.heygenVideoId ?? null).to.equal(null);
  const videos = [...heygenSim().model.videos.values()];
  expect(videos.filter((v) => v.callbackId === projectId)).to.deep.equal([]);
  expect(
    await videosUsedToday(String(project?.userId)),
    "the reserved video is given back",
  ).to.equal(0);
  expect(heygenSim().countCalls(createPath[version])).to.be.at.most(1);
}

describe("generate: every path without an avatar answers 400 HEYGEN_AVATAR_REQUIRED", function () {
  this.timeout(60000);
  useStack({
    servers: ["storage", "heygen"],
    fresh: { firestore: true, heygen: true },
    cleanAfter: { heygen: true },
  });

  for (const version of VERSIONS) {
    it(`${version}: no photo, no heygenAvatarId, no fallback configured`, async () => {
      const app = testContext({ apiVersion: version, fallback: "" });
      const uid = await consentingUid();
      const projectId = await projectWithVoice(uid, null);
      const err = await refusal(generateVideo(app, uid, { projectId }));
      await expectAvatarRequired(err, projectId, version);
      expect(heygenSim().countCalls(createPath[version])).to.equal(0);
    });

    it(`${version}: the photo's look ends failed at HeyGen and no fallback is configured`, async () => {
      const app = testContext({ apiVersion: version, fallback: "" });
      const uid = await consentingUid();
      heygenSim().model.nextLookFailure = "No face detected";
      const projectId = await projectWithVoice(uid, 31);
      const err = await refusal(generateVideo(app, uid, { projectId }));
      await expectAvatarRequired(err, projectId, version);
      // v3 looks carry HeyGen's reason; the legacy look documents none.
      if (version === "v3") expect(err.message).to.contain("No face detected");
      else expect(err.message).to.contain("HeyGen could not make an avatar from this photo");
      expect(heygenSim().countCalls(createPath[version])).to.equal(0);
    });

    it(`${version}: the fallback avatar is configured but HeyGen does not have it`, async () => {
      const app = testContext({ apiVersion: version, fallback: "Retired-avatar-20190101" });
      const uid = await consentingUid();
      const projectId = await projectWithVoice(uid, null);
      const err = await refusal(generateVideo(app, uid, { projectId }));
      await expectAvatarRequired(err, projectId, version);
      expect(err.message).to.contain("fallback avatar is not available");
      expect(err.details).to.deep.equal({ heygenCode: "avatar_not_found" });
    });
  }

  it("v3: the same failed photo again, no fallback: no new look is tried, the same answer", async () => {
    const app = testContext({ fallback: "" });
    const uid = await consentingUid();
    heygenSim().model.nextLookFailure = "No face detected";
    const first = await projectWithVoice(uid, 32);
    await refusal(generateVideo(app, uid, { projectId: first }));
    heygenSim().reset();
    const again = await projectWithVoice(uid, 32);
    const err = await refusal(generateVideo(app, uid, { projectId: again }));
    await expectAvatarRequired(err, again, "v3");
    expect(heygenSim().calls.map((c) => c.path)).to.deep.equal([]);
  });

  it("v3: HeyGen refuses the photo when the look is created (400), no fallback", async () => {
    const app = testContext({ fallback: "" });
    const uid = await consentingUid();
    heygenSim().faults.push({ path: "^/v3/avatars$", method: "POST", kind: "status", status: 400 });
    const projectId = await projectWithVoice(uid, 33);
    const err = await refusal(generateVideo(app, uid, { projectId }));
    await expectAvatarRequired(err, projectId, "v3");
  });

  it("v3: the photo's look fails and the fallback HeyGen does not have either", async () => {
    const app = testContext({ fallback: "Retired-avatar-20190101" });
    const uid = await consentingUid();
    heygenSim().model.nextLookFailure = "No face detected";
    const projectId = await projectWithVoice(uid, 34);
    const err = await refusal(generateVideo(app, uid, { projectId }));
    await expectAvatarRequired(err, projectId, "v3");
  });

  it("v3: a look that fails in the background after the 202, no fallback: the project keeps HEYGEN_AVATAR_REQUIRED", async () => {
    const app = testContext({ fallback: "" });
    const uid = await consentingUid();
    const projectId = await deferredProject(uid);
    heygenSim().model.nextLookFailure = "Photo rejected";
    const outcome = await resumeGenerate(app, projectId, {
      lookWaitMs: 10000,
      parseRequest: (raw) => generateBody.parse(raw),
    });
    expect(outcome).to.equal("failed");
    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project?.error?.code).to.equal("HEYGEN_AVATAR_REQUIRED");
    expect(project?.error?.message).to.contain("Photo rejected");
    expect(heygenSim().countCalls("/v3/videos")).to.equal(0);
  });
});

/**
 * A project as generate leaves it when the look was not ready in time (202 preparing),
 * written by create, not update, so the emulated on_project_updated (configured with a
 * fallback) does not run it: the test runs the background half itself.
 */
async function deferredProject(uid: string): Promise<string> {
  const projectId = await projectWithVoice(uid, 35, "deferred");
  const ref = db().doc(`projects/${projectId}`);
  const data = (await ref.get()).data();
  await ref.delete();
  const today = new Date().toISOString().slice(0, 10);
  await ref.create({
    ...data,
    generation: generationRun("preparing", {
      nextAttemptAt: new Date(Date.now() + 120000),
      deferred: { request: { projectId }, quotaWindow: today, at: new Date() },
    }),
  });
  await db()
    .doc(`users/${uid}/counters/heygen_videos_day`)
    .set({ window: today, count: 1, updatedAt: new Date() });
  return projectId;
}
