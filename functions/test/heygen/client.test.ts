import { expect } from "chai";
import { startHeygenSim, type HeygenSim } from "../../devtools/heygen-sim/server";
import { createHeygenClient, HeygenError, type HeygenClient } from "../../src/clients/heygen";
import { photoJpeg, voiceMp3, fileSize } from "../fixtures/media";

const noSleep = async () => undefined;

function client(
  sim: HeygenSim,
  apiVersion: "v2" | "v3",
  apiKey = sim.apiKey,
  sleep: (ms: number) => Promise<void> = noSleep,
): HeygenClient {
  return createHeygenClient(
    {
      apiVersion,
      apiBaseUrl: sim.apiUrl,
      uploadBaseUrl: sim.uploadUrl,
    },
    apiKey,
    { sleep, timeoutMs: 2000 },
  );
}

async function waitForLook(c: HeygenClient, lookId: string) {
  for (let i = 0; i < 50; i++) {
    const look = await c.getLook(lookId);
    if (look.status === "completed") return look;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("look never completed");
}

describe("HeyGen client against the simulator (real HTTP)", function () {
  this.timeout(60000);
  let sim: HeygenSim;

  before(async () => {
    sim = await startHeygenSim({
      timings: { lookReadyMs: 200, videoPendingMs: 100, videoProcessingMs: 300 },
    });
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  for (const version of ["v2", "v3"] as const) {
    describe(version, () => {
      it("uploads, creates a look, waits until usable, renders a real MP4", async () => {
        const c = client(sim, version);
        const photoPath = await photoJpeg();
        const audioPath = await voiceMp3();
        const image = await c.uploadImage(
          { path: photoPath, contentType: "image/jpeg", size: fileSize(photoPath) },
          "k-img",
        );
        const audio = await c.uploadAudio(
          { path: audioPath, contentType: "audio/mpeg", size: fileSize(audioPath) },
          "k-aud",
        );
        const look = await c.createLook({ name: "masky_u1", image, idempotencyKey: "k-look" });
        expect(look.status).to.not.equal("completed");
        await waitForLook(c, look.lookId);
        const { videoId } = await c.createVideo({
          character: { type: "look", lookId: look.lookId },
          audioAssetId: audio.assetId,
          title: "Project",
          callbackId: "p1",
          dimension: { width: 1280, height: 720 },
          idempotencyKey: "k-video",
        });
        let details = await c.getVideo(videoId);
        for (
          let i = 0;
          i < 100 && details.status !== "completed" && details.status !== "failed";
          i++
        ) {
          await new Promise((r) => setTimeout(r, 100));
          details = await c.getVideo(videoId);
        }
        expect(details.status).to.equal("completed");
        expect(details.callbackId).to.equal("p1");
        expect(details.videoUrl).to.match(/Expires=\d+&Signature=/);
        expect(details.durationSeconds).to.be.closeTo(2, 0.5);
        const mp4 = Buffer.from(await (await fetch(details.videoUrl as string)).arrayBuffer());
        expect(mp4.subarray(4, 8).toString("latin1")).to.equal("ftyp");
      });

      it("refuses a wrong API key as unauthorized", async () => {
        const err = await client(sim, version, "wrong")
          .listVoices()
          .catch((e: unknown) => e);
        expect(err).to.be.instanceOf(HeygenError);
        expect((err as HeygenError).kind).to.equal("unauthorized");
      });

      it("retries a 429 honouring Retry-After, then succeeds", async () => {
        sim.faults.push({
          path: "voices",
          kind: "status",
          status: 429,
          retryAfterSeconds: 1,
          times: 2,
        });
        const waits: number[] = [];
        const voices = await client(sim, version, sim.apiKey, async (ms) => {
          waits.push(ms);
        }).listVoices();
        expect(waits).to.deep.equal([1000, 1000]);
        expect(voices.length).to.equal(130);
        expect(sim.calls.filter((x) => x.status === 429)).to.have.length(2);
      });

      it("retries a 5xx on a GET but gives up after two retries", async () => {
        sim.faults.push({ path: "voices", kind: "status", status: 503, times: 5 });
        const err = await client(sim, version)
          .listVoices()
          .catch((e: unknown) => e);
        expect((err as HeygenError).kind).to.equal("upstream");
        expect(sim.countCalls()).to.equal(3);
      });

      it("reports malformed JSON and quota errors as typed errors", async () => {
        sim.faults.push({ path: "voices", kind: "malformed", times: 3 });
        const bad = await client(sim, version)
          .listVoices()
          .catch((e: unknown) => e);
        expect((bad as HeygenError).kind).to.equal("upstream");
        sim.reset();
        sim.faults.push({ path: "voices", kind: "quota" });
        const quota = await client(sim, version)
          .listVoices()
          .catch((e: unknown) => e);
        expect((quota as HeygenError).kind).to.equal("quota");
        expect(sim.countCalls()).to.equal(1);
      });

      it("times out a slow call", async () => {
        sim.faults.push({ path: "voices", kind: "slow", delayMs: 3000, times: 3 });
        const err = await client(sim, version)
          .listVoices()
          .catch((e: unknown) => e);
        expect((err as HeygenError).message).to.match(/did not answer/);
      });
    });
  }

  it("v2: never retries a video create after a 5xx (no idempotency key in v2)", async () => {
    const c = client(sim, "v2");
    const audioPath = await voiceMp3();
    const audio = await c.uploadAudio(
      { path: audioPath, contentType: "audio/mpeg", size: fileSize(audioPath) },
      "a",
    );
    sim.reset();
    sim.faults.push({
      path: "/v2/video/generate",
      kind: "status",
      status: 502,
      afterHandler: true,
    });
    const err = await c
      .createVideo({
        character: { type: "avatar", avatarId: "Daisy-inskirt-20220818" },
        audioAssetId: audio.assetId,
        title: "t",
        callbackId: "p",
        dimension: { width: 1280, height: 720 },
        idempotencyKey: "k",
      })
      .catch((e: unknown) => e);
    expect((err as HeygenError).kind).to.equal("upstream");
    expect(sim.countCalls("/v2/video/generate")).to.equal(1);
  });

  it("v3: retries a video create after a 5xx with the same Idempotency-Key: one video", async () => {
    const c = client(sim, "v3");
    const audioPath = await voiceMp3();
    const audio = await c.uploadAudio(
      { path: audioPath, contentType: "audio/mpeg", size: fileSize(audioPath) },
      "a3",
    );
    const before = sim.model.videos.size;
    sim.reset();
    sim.faults.push({
      path: "/v3/videos",
      method: "POST",
      kind: "status",
      status: 502,
      afterHandler: true,
    });
    const { videoId } = await c.createVideo({
      character: { type: "avatar", avatarId: "Daisy-inskirt-20220818" },
      audioAssetId: audio.assetId,
      title: "t",
      callbackId: "p",
      dimension: { width: 720, height: 1280 },
      idempotencyKey: "project-p:attempt-1",
    });
    expect(sim.countCalls("/v3/videos")).to.equal(2);
    expect(new Set(sim.calls.map((x) => x.idempotencyKey))).to.deep.equal(
      new Set(["project-p:attempt-1"]),
    );
    expect(sim.model.videos.size).to.equal(before + 1);
    expect(sim.model.videos.has(videoId)).to.equal(true);
  });

  it("v2 simulator quirks: multipart upload → 40001, look as avatar → avatar_not_found, pending look → photar_not_found", async () => {
    const form = new FormData();
    form.append("file", new Blob([Buffer.from("x")]), "a.mp3");
    const multipart = await fetch(`${sim.uploadUrl}/v1/asset`, {
      method: "POST",
      headers: { "X-Api-Key": sim.apiKey },
      body: form,
    });
    expect(multipart.status).to.equal(400);
    expect(await multipart.json()).to.deep.include({
      code: 40001,
      message: "asset data must be provided",
    });

    const c = client(sim, "v2");
    const photoPath = await photoJpeg(3);
    const image = await c.uploadImage(
      { path: photoPath, contentType: "image/jpeg", size: fileSize(photoPath) },
      "i",
    );
    const audioPath = await voiceMp3();
    const audio = await c.uploadAudio(
      { path: audioPath, contentType: "audio/mpeg", size: fileSize(audioPath) },
      "a",
    );
    sim.setTimings({ lookReadyMs: 60000 });
    try {
      const look = await c.createLook({ name: "g", image, idempotencyKey: "l" });
      const create = (character: Parameters<HeygenClient["createVideo"]>[0]["character"]) =>
        c
          .createVideo({
            character,
            audioAssetId: audio.assetId,
            title: "t",
            callbackId: "p",
            dimension: { width: 1280, height: 720 },
            idempotencyKey: "v",
          })
          .catch((e: unknown) => e as HeygenError);
      const asAvatar = await create({ type: "avatar", avatarId: look.lookId });
      expect(asAvatar).to.include({ code: "avatar_not_found", kind: "not_found" });
      const pending = await create({ type: "look", lookId: look.lookId });
      expect(pending).to.include({ code: "photar_not_found", kind: "not_ready" });
    } finally {
      sim.setTimings({ lookReadyMs: 200 });
    }
  });

  it("re-signs video URLs on every status call", async () => {
    const c = client(sim, "v3");
    const audioPath = await voiceMp3();
    const audio = await c.uploadAudio(
      { path: audioPath, contentType: "audio/mpeg", size: fileSize(audioPath) },
      "rs",
    );
    const { videoId } = await c.createVideo({
      character: { type: "avatar", avatarId: "Tyler-incasualsuit-20220721" },
      audioAssetId: audio.assetId,
      title: "t",
      callbackId: "p",
      dimension: { width: 1280, height: 720 },
      idempotencyKey: "rs-video",
    });
    let d = await c.getVideo(videoId);
    while (d.status !== "completed") {
      await new Promise((r) => setTimeout(r, 100));
      d = await c.getVideo(videoId);
    }
    sim.setTimings({ urlTtlSeconds: 1 });
    try {
      const short = (await c.getVideo(videoId)).videoUrl as string;
      await new Promise((r) => setTimeout(r, 2100));
      expect((await fetch(short)).status).to.equal(403);
      const fresh = (await c.getVideo(videoId)).videoUrl as string;
      expect(fresh).to.not.equal(short);
      expect((await fetch(fresh)).status).to.equal(200);
    } finally {
      sim.setTimings({ urlTtlSeconds: 7 * 24 * 3600 });
    }
  });
});
