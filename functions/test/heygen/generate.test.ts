import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { callFunction } from "../helpers/http";
import type { TestUser } from "../helpers/auth";
import { consentingUser } from "../helpers/consent";
import { db } from "../helpers/admin";
import { uploadFile } from "../helpers/storage";
import { heygenSim } from "../helpers/servers";
import { photoJpeg, photoPng, voiceTooLong, voiceWebm } from "../fixtures/media";
import { useStack } from "../helpers/use-stack";

interface GenerateBody {
  videoId: string;
  fallbackAvatarUsed: boolean;
}

async function newProject(
  user: TestUser,
  fields: { voice?: boolean; photo?: number | "png" } = {},
) {
  const id = `p-${randomUUID().slice(0, 8)}`;
  const data: Record<string, string> = { userId: user.uid, name: `Project ${id}` };
  if (fields.voice !== false) {
    data.voiceUrl = await uploadFile(
      await voiceWebm(),
      `users/${user.uid}/${id}/voice.webm`,
      "audio/webm",
    );
  }
  if (fields.photo !== undefined) {
    const local = fields.photo === "png" ? await photoPng() : await photoJpeg(fields.photo);
    const ext = fields.photo === "png" ? "png" : "jpg";
    data.avatarUrl = await uploadFile(
      local,
      `users/${user.uid}/${id}/photo.${ext}`,
      `image/${ext === "png" ? "png" : "jpeg"}`,
    );
  }
  await db().doc(`projects/${id}`).set(data);
  return id;
}

const generate = (user: TestUser, body: Record<string, unknown>) =>
  callFunction<GenerateBody & { error?: string; message?: string }>(
    "generate",
    "/api/heygen/generate",
    {
      method: "POST",
      token: user.idToken,
      body,
    },
  );

describe("generate (POST /api/heygen/generate) through the emulators and the HeyGen simulator", function () {
  this.timeout(60000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });

  it("minimal request: the project's photo and WebM voice become a video; the voice reaches HeyGen as MP3", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user, { photo: 0 });
    const res = await generate(user, { projectId });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.fallbackAvatarUsed).to.equal(false);
    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project).to.include({
      heygenVideoId: res.body.videoId,
      heygenStatus: "pending",
      step: "rendering",
      fallbackAvatarUsed: false,
    });
    const video = heygenSim().model.videos.get(res.body.videoId);
    expect(video?.callbackId).to.equal(projectId);
    expect(video?.title).to.equal(`Project ${projectId} · masky:${projectId}:1`);
    const audio = [...heygenSim().model.assets.values()].find((a) => a.file === video?.audioFile);
    expect(audio?.mime).to.equal("audio/mpeg");
    const looks = await db().collection(`users/${user.uid}/heygenAvatarGroups`).get();
    expect(looks.size).to.equal(1);
    expect(looks.docs[0].data()).to.include({ lookStatus: "completed", apiVersion: "v3" });
  });

  it("explicit request: heygenAvatarId, voiceUrl and dimension are used as given", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user, { voice: false });
    const voiceUrl = await uploadFile(
      await voiceWebm(),
      `users/${user.uid}/explicit.webm`,
      "audio/webm",
    );
    const res = await generate(user, {
      projectId,
      voiceUrl: `gs://demo-masky-test.appspot.com/${voiceUrl}`,
      heygenAvatarId: "Tyler-incasualsuit-20220721",
      width: 720,
      height: 1280,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    // No look is made: the public avatar is only checked against the public catalogue.
    const avatarCalls = heygenSim().calls.filter((c) => c.path.startsWith("/v3/avatars"));
    expect(avatarCalls.map((c) => `${c.method} ${c.path}`)).to.deep.equal([
      "GET /v3/avatars/looks",
    ]);
    const createCall = heygenSim().calls.find((c) => c.path === "/v3/videos");
    expect(createCall?.idempotencyKey).to.equal(`video-${projectId}-1`);
  });

  it("first-time vs returning user: same photo costs 2 HeyGen calls, a new photo adds a look to the same group", async () => {
    const user = await consentingUser();
    const first = await generate(user, { projectId: await newProject(user, { photo: 1 }) });
    expect(first.status).to.equal(200);
    expect(heygenSim().countCalls("/v3/avatars")).to.be.greaterThan(1); // create + readiness polls
    const groupIds = new Set([...heygenSim().model.looks.values()].map((l) => l.groupId));

    heygenSim().reset();
    const again = await generate(user, { projectId: await newProject(user, { photo: 1 }) });
    expect(again.status).to.equal(200);
    expect(heygenSim().calls.map((c) => c.path)).to.deep.equal(["/v3/assets", "/v3/videos"]);

    heygenSim().reset();
    const newPhoto = await generate(user, { projectId: await newProject(user, { photo: 2 }) });
    expect(newPhoto.status).to.equal(200);
    const looks = await db().collection(`users/${user.uid}/heygenAvatarGroups`).get();
    expect(looks.size).to.equal(2);
    const groups = new Set(looks.docs.map((d) => d.get("avatar_group_id")));
    expect(groups.size).to.equal(1);
    expect(groupIds.has([...groups][0] as string)).to.equal(true);
  });

  it("no photo: the configured public fallback avatar is used and reported", async () => {
    const user = await consentingUser();
    const res = await generate(user, { projectId: await newProject(user) });
    expect(res.status).to.equal(200);
    expect(res.body.fallbackAvatarUsed).to.equal(true);
  });

  it("a second generate while the video is in flight returns the same video; concurrent calls create one", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user, { photo: "png" });
    const [a, b] = await Promise.all([
      generate(user, { projectId }),
      generate(user, { projectId }),
    ]);
    expect(a.status, JSON.stringify(a.body)).to.equal(200);
    expect(b.status, JSON.stringify(b.body)).to.equal(200);
    expect(a.body.videoId).to.equal(b.body.videoId);
    const later = await generate(user, { projectId });
    expect(later.body.videoId).to.equal(a.body.videoId);
    expect(heygenSim().countCalls("/v3/videos")).to.equal(1);
  });

  it("refuses another user's project with 404 and touches nothing", async () => {
    const owner = await consentingUser();
    const other = await consentingUser();
    const projectId = await newProject(owner, { photo: 0 });
    const res = await generate(other, { projectId });
    expect(res.status).to.equal(404);
    expect(res.body.error).to.equal("NOT_FOUND");
    expect(heygenSim().countCalls()).to.equal(0);
  });

  for (const [label, voiceUrl, status] of [
    [
      "the metadata server",
      "http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/token",
      400,
    ],
    ["another host", "https://evil.example/users/x/voice.webm", 400],
    ["another bucket (gs://)", "gs://someone-else.appspot.com/users/UID/voice.webm", 400],
    [
      "another bucket (Firebase URL)",
      "https://firebasestorage.googleapis.com/v0/b/other-bucket/o/users%2FUID%2Fv.webm?alt=media",
      400,
    ],
    ["another user's upload", "users/someone-else/voice.webm", 403],
    ["a path escape", "users/UID/../someone-else/voice.webm", 400],
  ] as const) {
    it(`refuses a voiceUrl pointing at ${label} without fetching it`, async () => {
      const user = await consentingUser();
      const projectId = await newProject(user, { voice: false, photo: 0 });
      const res = await generate(user, { projectId, voiceUrl: voiceUrl.replace("UID", user.uid) });
      expect(res.status, JSON.stringify(res.body)).to.equal(status);
      expect(heygenSim().countCalls()).to.equal(0);
      const project = (await db().doc(`projects/${projectId}`).get()).data();
      expect(project?.heygenVideoId).to.equal(undefined);
      expect(project?.error?.code).to.equal(status === 403 ? "FORBIDDEN" : "INVALID_REQUEST");
    });
  }

  it("rejects a voice file that is not audio with 415, before any HeyGen call", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user, { voice: false });
    const fake = await uploadFile(await photoJpeg(), `users/${user.uid}/voice.webm`, "audio/webm");
    const res = await generate(user, { projectId, voiceUrl: fake });
    expect(res.status).to.equal(415);
    expect(res.body.error).to.equal("UNSUPPORTED_MEDIA");
    expect(heygenSim().countCalls()).to.equal(0);
  });

  it("rejects a voice over HeyGen's 10-minute limit with a clear 400", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user, { voice: false });
    const long = await uploadFile(await voiceTooLong(), `users/${user.uid}/long.mp3`, "audio/mpeg");
    const res = await generate(user, { projectId, voiceUrl: long });
    expect(res.status).to.equal(400);
    expect(res.body.message).to.match(/10 minutes/);
    expect(heygenSim().countCalls()).to.equal(0);
  });

  it("validates the body with zod and names the field", async () => {
    const user = await consentingUser();
    const res = await generate(user, { projectId: "p", width: 1001 });
    expect(res.status).to.equal(400);
    expect(res.body.error).to.equal("INVALID_REQUEST");
    expect(res.body.message).to.contain("width");
  });

  it("rides out a 429 on the video create (Retry-After) and stores a consistent project", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user);
    heygenSim().faults.push({
      path: "^/v3/videos$",
      method: "POST",
      kind: "status",
      status: 429,
      retryAfterSeconds: 1,
    });
    const res = await generate(user, { projectId });
    expect(res.status).to.equal(200);
    expect(heygenSim().countCalls("/v3/videos")).to.equal(2);
    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project).to.include({ heygenVideoId: res.body.videoId, heygenStatus: "pending" });
  });

  it("a 5xx after HeyGen created the video is retried with the same Idempotency-Key: still one video", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user);
    const before = heygenSim().model.videos.size;
    heygenSim().faults.push({
      path: "^/v3/videos$",
      method: "POST",
      kind: "status",
      status: 502,
      afterHandler: true,
    });
    const res = await generate(user, { projectId });
    expect(res.status).to.equal(200);
    expect(heygenSim().model.videos.size).to.equal(before + 1);
  });

  it("out of credits: 429 RATE_LIMITED with a message, the error kept on the project, and a later retry works", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user);
    heygenSim().faults.push({ path: "^/v3/videos$", method: "POST", kind: "quota" });
    const res = await generate(user, { projectId });
    expect(res.status).to.equal(429);
    expect(res.body.message).to.match(/credits/);
    const failed = (await db().doc(`projects/${projectId}`).get()).data();
    expect(failed?.error?.code).to.equal("RATE_LIMITED");
    expect(failed?.heygenVideoId).to.equal(undefined);

    const retry = await generate(user, { projectId });
    expect(retry.status).to.equal(200);
    const ok = (await db().doc(`projects/${projectId}`).get()).data();
    expect(ok?.error).to.equal(null);
    expect(ok?.generation?.attempts).to.equal(2);
  });

  it("audio upload failure answers 500 with a message", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user);
    heygenSim().faults.push({ path: "^/v3/assets$", kind: "status", status: 400 });
    const res = await generate(user, { projectId });
    expect(res.status).to.equal(500);
    expect(res.body.error).to.equal("INTERNAL");
    expect(res.body.message).to.match(/Uploading the voice recording to HeyGen failed/);
  });
});
