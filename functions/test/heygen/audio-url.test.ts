/**
 * HEYGEN_AUDIO_SOURCE=url: the converted MP3 is given to HeyGen as a signed `audio_url`
 * (both API versions accept it) instead of an asset upload, so a repeat generate with
 * the same photo costs one HeyGen call. The simulator downloads the URL from the local
 * Storage server, as HeyGen would from the bucket.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { heygenAudioObject } from "../../src/services/heygen/voice-source";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { bucket, uploadFile } from "../helpers/storage";
import { grantConsentToUid } from "../helpers/consent";
import { heygenSim, storageServer } from "../helpers/servers";
import { photoJpeg, voiceWebm } from "../fixtures/media";
import { submitted } from "../helpers/videos";
import { useStack } from "../helpers/use-stack";

async function project(uid: string) {
  const id = `p-${randomUUID().slice(0, 8)}`;
  await db()
    .doc(`projects/${id}`)
    .set({
      userId: uid,
      name: "audio url project",
      voiceUrl: await uploadFile(await voiceWebm(), `users/${uid}/${id}.webm`, "audio/webm"),
      avatarUrl: await uploadFile(await photoJpeg(7), `users/${uid}/${id}.jpg`, "image/jpeg"),
    });
  return id;
}

const createPaths = { v2: "/v2/video/generate", v3: "/v3/videos" } as const;

describe("generate with HEYGEN_AUDIO_SOURCE=url: the MP3 reaches HeyGen as a signed audio_url", function () {
  this.timeout(60000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });

  for (const apiVersion of ["v3", "v2"] as const) {
    it(`${apiVersion}: a repeat generate with the same photo is 1 HeyGen call; the simulator fetched the URL`, async () => {
      const app = testContext({ apiVersion, audioSource: "url" });
      const uid = `au-${randomUUID().slice(0, 6)}`;
      await grantConsentToUid(uid);
      await generateVideo(app, uid, { projectId: await project(uid) });

      heygenSim().reset();
      const again = submitted(await generateVideo(app, uid, { projectId: await project(uid) }));
      const sim = heygenSim();
      expect(sim.calls.map((c) => c.path)).to.deep.equal([createPaths[apiVersion]]);
      const body = sim.calls[0].body as Record<string, unknown> & {
        video_inputs?: { voice: Record<string, unknown> }[];
      };
      const voice = apiVersion === "v3" ? body : (body.video_inputs?.[0].voice ?? {});
      expect(voice).to.not.have.property("audio_asset_id");
      const audioUrl = String(voice.audio_url);
      expect(new URL(audioUrl).origin).to.equal(storageServer().url);
      expect(new URL(audioUrl).searchParams.get("X-Goog-Signature")).to.be.a("string");
      // The simulator downloaded it (200) and renders the video from what it got.
      expect(sim.model.audioUrlFetches.map((f) => [f.url, f.result])).to.deep.equal([
        [audioUrl, 200],
      ]);
      expect(sim.model.audioUrlFetches[0].bytes).to.be.greaterThan(1000);
      expect(sim.model.videos.get(again.videoId)?.audioFile).to.match(/audio-url-.*\.mp3$/);
      // The MP3 stays under the user's prefix (erasure and export cover it)...
      const [objects] = await bucket().getFiles({ prefix: `users/${uid}/heygen-audio/` });
      expect(objects.map((o) => o.name)).to.have.length(1);
      const sha = /([0-9a-f]{64})\.mp3$/.exec(objects[0].name)?.[1] ?? "";
      expect(objects[0].name).to.equal(heygenAudioObject(uid, sha));
      // ...and the signed URL, a bearer credential, is not stored on the project.
      const projects = await db().collection("projects").where("userId", "==", uid).get();
      for (const doc of projects.docs) expect(JSON.stringify(doc.data())).to.not.include("X-Goog");
    });
  }

  it("upload (the default) still uploads an audio asset per video: 2 calls on repeat", async () => {
    const app = testContext({ apiVersion: "v3" });
    expect(app.config.heygen.audioSource).to.equal("upload");
    const uid = `up-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid);
    await generateVideo(app, uid, { projectId: await project(uid) });
    heygenSim().reset();
    await generateVideo(app, uid, { projectId: await project(uid) });
    expect(heygenSim().calls.map((c) => c.path)).to.deep.equal(["/v3/assets", "/v3/videos"]);
    expect(heygenSim().model.audioUrlFetches).to.deep.equal([]);
  });

  it("the simulator refuses what HeyGen refuses: both audio fields, a URL that is not audio", async () => {
    const sim = heygenSim();
    const create = (body: Record<string, unknown>) =>
      fetch(`${sim.apiUrl}/v3/videos`, {
        method: "POST",
        headers: { "X-Api-Key": sim.apiKey, "Content-Type": "application/json" },
        body: JSON.stringify({ type: "avatar", avatar_id: "Daisy-inskirt-20220818", ...body }),
      }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { error?: { code: string; message: string } },
      }));
    const both = await create({ audio_asset_id: "x", audio_url: `${storageServer().url}/x.mp3` });
    expect(both.status).to.equal(400);
    expect(both.body.error?.message).to.match(/mutually exclusive/);

    const path = `users/u-${randomUUID().slice(0, 6)}/not-audio.jpg`;
    await uploadFile(await photoJpeg(1), path, "image/jpeg");
    const [url] = await bucket()
      .file(path)
      .getSignedUrl({ version: "v4", action: "read", expires: Date.now() + 60000 });
    const notAudio = await create({ audio_url: url });
    expect(notAudio.status).to.equal(400);
    expect(notAudio.body.error).to.deep.include({ code: "invalid_parameter" });
    expect(sim.model.audioUrlFetches.at(-1)?.result).to.equal(200);

    const v2 = await fetch(`${sim.apiUrl}/v2/video/generate`, {
      method: "POST",
      headers: { "X-Api-Key": sim.apiKey, "Content-Type": "application/json" },
      body: JSON.stringify({
        video_inputs: [
          {
            character: { type: "avatar", avatar_id: "Daisy-inskirt-20220818" },
            voice: { type: "audio", audio_url: `${storageServer().url}/missing.mp3` },
          },
        ],
      }),
    });
    expect(v2.status).to.equal(400);
  });
});
