/**
 * Seed compatibility of `generate`: the seed's example request as written
 * (`"heygenAvatarId": null`) and the seed's fallback rule after a look failure
 * (the simulator's look-failure fault), over HTTP and through the service with a
 * context of our own (v2, and a backend without a fallback avatar).
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { callFunction } from "../helpers/http";
import { consentingUser, grantConsentToUid } from "../helpers/consent";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { projectWithVoice } from "../helpers/projects";
import { heygenSim } from "../helpers/servers";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { ApiError } from "../../src/errors";
import { simulatedParams, TEST_PROJECT_ID } from "../../devtools/stack-env";
import type { TestUser } from "../helpers/auth";
import { submitted } from "../helpers/videos";
import { useStack } from "../helpers/use-stack";

const FALLBACK = simulatedParams(TEST_PROJECT_ID).HEYGEN_FALLBACK_AVATAR_ID;

const generate = (user: TestUser, body: Record<string, unknown>) =>
  callFunction<{ videoId: string; fallbackAvatarUsed: boolean; error?: string; message?: string }>(
    "generate",
    "/api/heygen/generate",
    { method: "POST", token: user.idToken, body },
  );

describe("generate: the seed's example request and its fallback rule", function () {
  this.timeout(60000);
  // The look-failure fault and the 503 faults must not reach the next suite (cleanAfter).
  useStack({
    servers: ["storage", "heygen"],
    fresh: { firestore: true, heygen: true },
    cleanAfter: { heygen: true },
  });

  it('accepts the seed\'s example as written, "heygenAvatarId": null: the photo becomes the look', async () => {
    const user = await consentingUser();
    const projectId = await projectWithVoice(user.uid, 21);
    const project = (await db().doc(`projects/${projectId}`).get()).data() ?? {};
    const res = await generate(user, {
      projectId,
      voiceUrl: project.voiceUrl,
      userAvatarUrl: project.avatarUrl,
      heygenAvatarId: null,
      width: 1280,
      height: 720,
      avatarStyle: "normal",
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.fallbackAvatarUsed).to.equal(false);
    const video = heygenSim().model.videos.get(res.body.videoId);
    expect(video?.imageFile, "the video is made from the user's look").to.be.a("string");
    const looks = await db().collection(`users/${user.uid}/heygenAvatarGroups`).get();
    expect(looks.docs.map((d) => d.get("lookStatus"))).to.deep.equal(["completed"]);
  });

  it("v3 keeps the per-user folder as far as the v3 API allows: the user's v2 folder stays, no folder call, no folder_id on create", async () => {
    const app = testContext({ apiVersion: "v3" });
    const uid = `seed-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid);
    await db().doc(`users/${uid}`).set({ heygenFolderId: "folder-from-v2" }, { merge: true });
    const result = submitted(
      await generateVideo(app, uid, { projectId: await projectWithVoice(uid, 26) }),
    );
    expect(heygenSim().calls.filter((c) => c.path.includes("folder"))).to.deep.equal([]);
    const create = heygenSim().calls.find((c) => c.path === "/v3/videos");
    expect(create?.body).to.not.have.property("folder_id");
    expect(heygenSim().model.videos.get(result.videoId)?.folderId ?? null).to.equal(null);
    expect((await db().doc(`users/${uid}`).get()).get("heygenFolderId")).to.equal("folder-from-v2");
    // The user's HeyGen resources stay grouped per user: the look is in the group masky_{uid}.
    const group = [...heygenSim().model.groups.values()].find((g) => g.name === `masky_${uid}`);
    expect(group, "the per-user photo-avatar group").to.not.equal(undefined);
  });

  it("a look that fails at HeyGen falls back to the configured public avatar, once per photo", async () => {
    const user = await consentingUser();
    heygenSim().model.nextLookFailure = "No face detected";
    const projectId = await projectWithVoice(user.uid, 22);
    const res = await generate(user, { projectId });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.fallbackAvatarUsed).to.equal(true);
    const createCall = heygenSim().calls.find((c) => c.path === "/v3/videos");
    expect(createCall?.body).to.include({ avatar_id: FALLBACK });
    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project).to.include({ fallbackAvatarUsed: true, heygenVideoId: res.body.videoId });
    const looks = await db().collection(`users/${user.uid}/heygenAvatarGroups`).get();
    expect(looks.docs.map((d) => d.get("lookStatus"))).to.deep.equal(["failed"]);

    // The same photo again: the failed look is known, no new look is tried, the fallback again.
    heygenSim().reset();
    const again = await generate(user, { projectId: await projectWithVoice(user.uid, 22) });
    expect(again.status).to.equal(200);
    expect(again.body.fallbackAvatarUsed).to.equal(true);
    expect(heygenSim().calls.map((c) => c.path)).to.deep.equal(["/v3/assets", "/v3/videos"]);
  });

  it("v2 (the seed's API): a failed talking_photo look falls back the same way", async () => {
    const app = testContext({ apiVersion: "v2" });
    const uid = `seed-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid);
    heygenSim().model.nextLookFailure = "Photo rejected";
    const result = submitted(
      await generateVideo(app, uid, { projectId: await projectWithVoice(uid, 23) }),
    );
    expect(result.fallbackAvatarUsed).to.equal(true);
    const video = heygenSim().model.videos.get(result.videoId);
    expect(video?.api).to.equal("v2");
    expect(video?.imageFile, "a public avatar has no user image").to.equal(null);
  });

  it("without a fallback avatar a look failure is the seed's 400 HEYGEN_AVATAR_REQUIRED, naming HeyGen's reason", async () => {
    const app = testContext({ fallback: "" });
    const uid = `seed-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid);
    heygenSim().model.nextLookFailure = "No face detected";
    const err = await generateVideo(app, uid, {
      projectId: await projectWithVoice(uid, 24),
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ApiError);
    expect((err as ApiError).code).to.equal("HEYGEN_AVATAR_REQUIRED");
    expect((err as ApiError).message).to.contain("No face detected");
    expect(heygenSim().countCalls("/v3/videos")).to.equal(0);
  });

  it("HeyGen failing while the look is read is no verdict on the photo: no fallback, 502", async () => {
    const app = testContext({ fallback: FALLBACK });
    const uid = `seed-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid);
    heygenSim().faults.push({
      path: "^/v3/avatars/looks/",
      kind: "status",
      status: 503,
      times: 50,
    });
    const err = await generateVideo(app, uid, {
      projectId: await projectWithVoice(uid, 25),
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ApiError);
    expect((err as ApiError).code).to.equal("UPSTREAM_ERROR");
    expect(heygenSim().countCalls("/v3/videos")).to.equal(0);
  });
});
