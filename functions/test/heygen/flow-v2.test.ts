/**
 * The flow through the service layer with a context of our own: the legacy v2 API
 * (the seed's flow: folder, talking_photo look, raw audio/mpeg upload) and a backend
 * without a fallback avatar. Real Firestore emulator, real simulator, real Storage server.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { ApiError } from "../../src/errors";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { uploadFile } from "../helpers/storage";
import { grantConsentToUid } from "../helpers/consent";
import { heygenSim } from "../helpers/servers";
import { photoJpeg, voiceWebm } from "../fixtures/media";
import { submitted } from "../helpers/videos";
import { useStack } from "../helpers/use-stack";

async function project(uid: string, withPhoto: boolean) {
  await grantConsentToUid(uid);
  const id = `p-${randomUUID().slice(0, 8)}`;
  const data: Record<string, string> = {
    userId: uid,
    name: "v2 project",
    voiceUrl: await uploadFile(await voiceWebm(), `users/${uid}/${id}.webm`, "audio/webm"),
  };
  if (withPhoto)
    data.avatarUrl = await uploadFile(await photoJpeg(5), `users/${uid}/${id}.jpg`, "image/jpeg");
  await db().doc(`projects/${id}`).set(data);
  return id;
}

describe("generate flow on the legacy v2 API, and without a fallback avatar", function () {
  this.timeout(60000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });

  it("v2: folder masky_{uid} once, talking_photo look, raw audio/mpeg upload on the upload host", async () => {
    const app = testContext({ apiVersion: "v2", fallback: "" });
    const uid = `v2-${randomUUID().slice(0, 6)}`;
    const [a, b] = await Promise.all([
      generateVideo(app, uid, { projectId: await project(uid, true) }).then(submitted),
      generateVideo(app, uid, { projectId: await project(uid, true) }).then(submitted),
    ]);
    expect(a.videoId).to.not.equal(b.videoId);
    const sim = heygenSim();
    expect(sim.countCalls("/v1/folders/create")).to.equal(1);
    const folders = [...sim.model.folders.values()].filter((f) => f.name === `masky_${uid}`);
    expect(folders).to.have.length(1);
    expect(sim.countCalls("/v2/photo_avatar/avatar_group/create")).to.equal(1);
    expect(
      sim.calls.filter((c) => c.path === "/v1/asset").every((c) => c.host === "upload"),
    ).to.equal(true);
    const video = sim.model.videos.get(a.videoId);
    expect(video?.folderId).to.equal(folders[0].id);
    const user = (await db().doc(`users/${uid}`).get()).data();
    expect(user?.heygenFolderId).to.equal(folders[0].id);
  });

  it("v2: a failing folder step is a warning; the video is created without folder_id", async () => {
    const app = testContext({ apiVersion: "v2", fallback: "Daisy-inskirt-20220818" });
    const uid = `v2f-${randomUUID().slice(0, 6)}`;
    heygenSim().faults.push({ path: "^/v1/folders", kind: "status", status: 403, times: 5 });
    const res = submitted(await generateVideo(app, uid, { projectId: await project(uid, false) }));
    expect(res.fallbackAvatarUsed).to.equal(true);
    expect(heygenSim().model.videos.get(res.videoId)?.folderId).to.equal(null);
  });

  it("no photo and no fallback: HEYGEN_AVATAR_REQUIRED with guidance, and no video", async () => {
    const app = testContext({ apiVersion: "v3", fallback: "" });
    const uid = `nf-${randomUUID().slice(0, 6)}`;
    const err = await generateVideo(app, uid, { projectId: await project(uid, false) }).catch(
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ApiError);
    expect((err as ApiError).code).to.equal("HEYGEN_AVATAR_REQUIRED");
    expect((err as ApiError).message).to.match(/userAvatarUrl|heygenAvatarId/);
    expect(heygenSim().countCalls("/v3/videos")).to.equal(0);
  });
});
