/**
 * `generate` with a script and a HeyGen voice, through the emulators (v3) and through
 * the service layer with a context of our own (v2). The exact upstream bodies are read
 * from the simulator's call log.
 */
import { expect } from "chai";
import { createHash, randomUUID } from "node:crypto";
import { callFunction } from "../helpers/http";
import type { TestUser } from "../helpers/auth";
import { consentingUser } from "../helpers/consent";
import { waitForDoc } from "../helpers/firestore";
import { functionUrl } from "../helpers/env";
import { db } from "../helpers/admin";
import { uploadFile } from "../helpers/storage";
import { testContext } from "../helpers/context";
import { heygenSim } from "../helpers/servers";
import { photoJpeg, voiceWebm } from "../fixtures/media";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { ApiError } from "../../src/errors";
import type { VoiceUsed } from "../../src/store/projects";
import { PUBLIC_VOICES } from "../../devtools/heygen-sim/model";
import { acceptedDelivery } from "../../devtools/heygen-sim/delivery-log";
import { defaultVoiceFor, speechSeconds, ttsLimits } from "../../devtools/heygen-sim/tts";
import { WEBHOOK_EVENTS } from "../../src/clients/heygen/webhooks";
import { runFfmpeg } from "../../src/services/media/ffmpeg";
import { submitted } from "../helpers/videos";
import { useStack } from "../helpers/use-stack";

interface GenerateReply {
  videoId: string;
  fallbackAvatarUsed: boolean;
  voice: VoiceUsed;
  error?: string;
  message?: string;
}

/** A voice that takes a locale, and one that does not (the simulator's catalogue). */
const LOCALE_VOICE = PUBLIC_VOICES.find((v) => v.support_locale)?.voice_id as string;
const PLAIN_VOICE = PUBLIC_VOICES.find((v) => !v.support_locale)?.voice_id as string;
const SCRIPT = "Hello! This is my avatar speaking a typed sentence.";

async function newProject(user: TestUser, fields: { photo?: number; voice?: boolean } = {}) {
  const id = `p-${randomUUID().slice(0, 8)}`;
  const data: Record<string, string> = { userId: user.uid, name: `Project ${id}` };
  if (fields.voice) {
    data.voiceUrl = await uploadFile(
      await voiceWebm(),
      `users/${user.uid}/${id}.webm`,
      "audio/webm",
    );
  }
  if (fields.photo !== undefined) {
    data.avatarUrl = await uploadFile(
      await photoJpeg(fields.photo),
      `users/${user.uid}/${id}.jpg`,
      "image/jpeg",
    );
  }
  await db().doc(`projects/${id}`).set(data);
  return id;
}

const generate = (user: TestUser, body: Record<string, unknown>) =>
  callFunction<GenerateReply>("generate", "/api/heygen/generate", {
    method: "POST",
    token: user.idToken,
    body,
  });

/** GET /api/heygen/voices once, so later voice checks read the cache. */
async function warmVoices(user: TestUser) {
  const res = await callFunction("voices", "/api/heygen/voices", { token: user.idToken });
  expect(res.status).to.equal(200);
}

/** GET /api/heygen/avatars once, so the check of a public heygenAvatarId reads the cache. */
async function warmAvatars(user: TestUser) {
  const res = await callFunction("avatars", "/api/heygen/avatars", { token: user.idToken });
  expect(res.status).to.equal(200);
}

const createCalls = (path: string) =>
  heygenSim().calls.filter((c) => c.method === "POST" && c.path === path);

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

async function savePreferences(uid: string, assetId: string, voice: object, updatedAt: Date) {
  await db()
    .doc(`preferences/${assetId}`)
    .set({ user_id: uid, asset_id: assetId, voice, created_at: updatedAt, updated_at: updatedAt });
}

describe("generate with a script and a HeyGen voice (v3, through the emulators)", function () {
  this.timeout(60000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });

  it("sends exactly script, voice_id and voice_settings to POST /v3/videos; no audio is converted or uploaded", async () => {
    const user = await consentingUser(["heygen_face"]);
    const projectId = await newProject(user, { photo: 11 });
    const res = await generate(user, {
      projectId,
      script: `  ${SCRIPT}\n`,
      voiceId: LOCALE_VOICE,
      voiceSettings: { speed: 1.2, pitch: 5, locale: "en-GB" },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const [create] = createCalls("/v3/videos");
    const lookId = String((create.body as Record<string, unknown>).avatar_id);
    expect(heygenSim().model.looks.has(lookId)).to.equal(true);
    expect(create.body).to.deep.equal({
      type: "avatar",
      avatar_id: lookId,
      script: SCRIPT,
      voice_id: LOCALE_VOICE,
      voice_settings: { speed: 1.2, pitch: 5, locale: "en-GB" },
      title: `Project ${projectId} · masky:${projectId}:1`,
      callback_id: projectId,
      resolution: "720p",
      aspect_ratio: "16:9",
    });
    expect(create.idempotencyKey).to.equal(`video-${projectId}-1`);
    // The only asset uploaded is the photo: no audio on this path.
    expect(createCalls("/v3/assets")).to.have.length(1);
    expect(heygenSim().model.videos.get(res.body.videoId)?.audioFile).to.match(/\/tts-[a-f0-9]+/);
    expect(res.body.voice).to.deep.equal({
      source: "tts",
      voiceId: LOCALE_VOICE,
      voiceIdFrom: "request",
      speed: 1.2,
      pitch: 5,
      locale: "en-GB",
      fromPreferences: [],
      preferencesAssetId: null,
    });
    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project?.voice).to.include({
      source: "tts",
      voiceId: LOCALE_VOICE,
      scriptSha256: sha256(SCRIPT),
    });
    // The script waits in captions.script for its captions (cleared once they are
    // written), and is kept nowhere else on the project.
    expect(project?.captions).to.include({ source: "script", script: SCRIPT });
    const elsewhere = Object.entries(project ?? {}).filter(([field]) => field !== "captions");
    expect(JSON.stringify(elsewhere)).to.not.contain("typed sentence");
  });

  it("records a recorded voice as such", async () => {
    const user = await consentingUser(["heygen_face", "heygen_voice"]);
    const projectId = await newProject(user, { voice: true });
    const res = await generate(user, { projectId });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.voice).to.include({ source: "recorded", voiceId: null });
    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project?.voice).to.include({ source: "recorded", voiceId: null, scriptSha256: null });
    expect(createCalls("/v3/videos")[0].body).to.have.property("audio_asset_id");
  });

  it("needs no voice consent for a script, but still face consent for the user's photo, refused before any HeyGen call", async () => {
    const faceOnly = await consentingUser(["heygen_face"]);
    const withPhoto = await newProject(faceOnly, { photo: 12 });
    const ok = await generate(faceOnly, {
      projectId: withPhoto,
      script: SCRIPT,
      voiceId: PLAIN_VOICE,
    });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);

    heygenSim().reset();
    const voiceOnly = await consentingUser(["heygen_voice"]);
    const photoProject = await newProject(voiceOnly, { photo: 13 });
    const refused = await generate(voiceOnly, {
      projectId: photoProject,
      script: SCRIPT,
      voiceId: PLAIN_VOICE,
    });
    expect(refused.status).to.equal(403);
    expect(refused.body.error).to.equal("CONSENT_REQUIRED");
    expect(
      (refused.body as unknown as { details: { missing: string[] } }).details.missing,
    ).to.deep.equal(["heygen_face"]);
    expect(heygenSim().countCalls()).to.equal(0);
  });

  it("takes exactly one voice source: both, neither, and voice fields without a script are 400s naming the fields", async () => {
    const user = await consentingUser(["heygen_face"]);
    const withVoice = await newProject(user, { voice: true });
    const both = await generate(user, {
      projectId: withVoice,
      voiceUrl: "users/x/voice.webm",
      script: SCRIPT,
    });
    expect(both.status).to.equal(400);
    expect(both.body.error).to.equal("INVALID_REQUEST");
    expect(both.body.message).to.contain("voiceUrl").and.to.contain("script");

    const bare = await newProject(user);
    const neither = await generate(user, { projectId: bare });
    expect(neither.status).to.equal(400);
    expect(neither.body.error).to.equal("INVALID_REQUEST");
    expect(neither.body.message).to.contain("voiceUrl").and.to.contain("script");

    const stray = await generate(user, { projectId: withVoice, voiceId: PLAIN_VOICE });
    expect(stray.status).to.equal(400);
    expect(stray.body.message).to.contain("voiceId");
    expect(heygenSim().countCalls()).to.equal(0);
  });

  it("limits: an empty script, a script over 5,000 characters, speed and pitch outside every source's range", async () => {
    const user = await consentingUser(["heygen_face"]);
    const projectId = await newProject(user);
    for (const [body, field] of [
      [{ script: " \n\t " }, "script"],
      [{ script: "a".repeat(5001) }, "5000"],
      [{ script: SCRIPT, voiceId: PLAIN_VOICE, voiceSettings: { speed: 1.6 } }, "speed"],
      [{ script: SCRIPT, voiceId: PLAIN_VOICE, voiceSettings: { pitch: -30 } }, "pitch"],
    ] as const) {
      const res = await generate(user, { projectId, ...body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).to.equal(400);
      expect(res.body.message).to.contain(field);
    }
    expect(heygenSim().countCalls()).to.equal(0);
  });

  it("a locale is refused for a voice that does not support one", async () => {
    const user = await consentingUser(["heygen_face"]);
    await warmVoices(user);
    heygenSim().reset();
    const res = await generate(user, {
      projectId: await newProject(user),
      script: SCRIPT,
      voiceId: PLAIN_VOICE,
      voiceSettings: { locale: "de-DE" },
    });
    expect(res.status).to.equal(400);
    expect(res.body.message).to.contain("voiceSettings.locale");
    expect(heygenSim().countCalls()).to.equal(0);
  });

  it("surfaces HeyGen's own 400 about the script length with its message", async () => {
    const user = await consentingUser(["heygen_face"]);
    ttsLimits.maxScriptChars = 1500; // an account on the older legacy limit
    try {
      const res = await generate(user, {
        projectId: await newProject(user),
        script: "word ".repeat(400),
        voiceId: PLAIN_VOICE,
      });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.equal("INVALID_REQUEST");
      expect(res.body.message).to.contain("script must be at most 1500 characters");
    } finally {
      ttsLimits.maxScriptChars = 5000;
    }
  });

  it("an unknown voice is a 400 naming voiceId, before any HeyGen call (cached listing warmed first)", async () => {
    const user = await consentingUser(["heygen_face"]);
    await warmVoices(user);
    heygenSim().reset();
    const res = await generate(user, {
      projectId: await newProject(user, { photo: 12 }),
      script: SCRIPT,
      voiceId: "no-such-voice",
    });
    expect(res.status).to.equal(400);
    expect(res.body.error).to.equal("INVALID_REQUEST");
    expect(res.body.message).to.match(/^voiceId: no-such-voice is not a HeyGen voice/);
    expect(heygenSim().countCalls()).to.equal(0);
  });

  it("a voice the cache still lists but HeyGen no longer knows: HeyGen's voice_not_found becomes a 400", async () => {
    const user = await consentingUser(["heygen_face"]);
    await db()
      .doc("heygen_cache/v3-voices")
      .set({
        items: [{ id: "retired-voice", name: "Old", language: "English", gender: "male" }],
        fetchedAt: Date.now(),
      });
    const res = await generate(user, {
      projectId: await newProject(user),
      script: SCRIPT,
      voiceId: "retired-voice",
    });
    expect(res.status).to.equal(400);
    expect(res.body.message).to.contain("Voice retired-voice not found");
    expect(createCalls("/v3/videos").map((c) => c.status)).to.deep.equal([404]);
  });

  it("v3 with a look and no voiceId: voice_id is left out and the look's default voice is reported", async () => {
    const user = await consentingUser(["heygen_face"]);
    const projectId = await newProject(user, { photo: 13 });
    const res = await generate(user, { projectId, script: SCRIPT });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const [create] = createCalls("/v3/videos");
    const lookId = String((create.body as Record<string, unknown>).avatar_id);
    expect(heygenSim().model.looks.has(lookId)).to.equal(true);
    expect(create.body).to.not.have.property("voice_id");
    expect((create.body as Record<string, unknown>).voice_settings).to.deep.equal({
      speed: 1,
      pitch: 0,
    });
    expect(res.body.voice).to.include({
      source: "tts",
      voiceId: defaultVoiceFor(lookId),
      voiceIdFrom: "look_default",
    });
    const stored = await db().collection(`users/${user.uid}/heygenAvatarGroups`).get();
    expect(stored.docs[0].get("defaultVoiceId")).to.equal(defaultVoiceFor(lookId));
  });

  it("the user's most recently updated voice preferences fill in speed and locale, and the response says so", async () => {
    const user = await consentingUser(["heygen_face"]);
    const other = await consentingUser(["heygen_face"]);
    await savePreferences(user.uid, "old-asset", { language: "fr-FR", speed: 0.7 }, new Date(1000));
    await savePreferences(user.uid, "new-asset", { language: "de-DE", speed: 1.25 }, new Date());
    await savePreferences(other.uid, "not-mine", { language: "ja-JP", speed: 0.6 }, new Date());

    const filled = await generate(user, {
      projectId: await newProject(user),
      script: SCRIPT,
      voiceId: LOCALE_VOICE,
    });
    expect(filled.status, JSON.stringify(filled.body)).to.equal(200);
    expect(createCalls("/v3/videos")[0].body).to.deep.include({
      voice_settings: { speed: 1.25, pitch: 0, locale: "de-DE" },
    });
    expect(filled.body.voice).to.include({ speed: 1.25, locale: "de-DE" });
    expect(filled.body.voice.fromPreferences).to.deep.equal(["speed", "locale"]);
    expect(filled.body.voice.preferencesAssetId).to.equal("new-asset");

    // What the request says wins; a voice without locale support gets no locale.
    const partly = await generate(user, {
      projectId: await newProject(user),
      script: SCRIPT,
      voiceId: PLAIN_VOICE,
      voiceSettings: { speed: 0.9 },
    });
    expect(partly.status).to.equal(200);
    expect(createCalls("/v3/videos")[1].body).to.deep.include({
      voice_settings: { speed: 0.9, pitch: 0 },
    });
    expect(partly.body.voice.fromPreferences).to.deep.equal([]);
    expect(partly.body.voice.preferencesAssetId).to.equal(null);
  });

  it("a preferred speed outside HeyGen's range is brought within it", async () => {
    const user = await consentingUser(["heygen_face"]);
    await savePreferences(user.uid, "fast", { language: "en-US", speed: 2 }, new Date());
    const res = await generate(user, {
      projectId: await newProject(user),
      script: SCRIPT,
      voiceId: PLAIN_VOICE,
    });
    expect(res.status).to.equal(200);
    expect(res.body.voice).to.include({ speed: 1.5 });
  });

  it("a returning user with a ready look, or a public avatar, and a script costs exactly 1 HeyGen call: the create", async () => {
    const user = await consentingUser(["heygen_face"]);
    const first = await generate(user, {
      projectId: await newProject(user, { photo: 14 }),
      script: SCRIPT,
      voiceId: PLAIN_VOICE,
    });
    expect(first.status).to.equal(200);
    // The voice listing is served from the cache: warm it (the first generate did too).
    await warmVoices(user);

    heygenSim().reset();
    const again = await generate(user, {
      projectId: await newProject(user, { photo: 14 }),
      script: "Another sentence for the same face.",
      voiceId: PLAIN_VOICE,
    });
    expect(again.status, JSON.stringify(again.body)).to.equal(200);
    expect(heygenSim().calls.map((c) => `${c.method} ${c.path}`)).to.deep.equal([
      "POST /v3/videos",
    ]);

    // A public heygenAvatarId is checked against the cached public catalogue: warm it too.
    await warmAvatars(user);
    heygenSim().reset();
    const pub = await generate(user, {
      projectId: await newProject(user),
      heygenAvatarId: "Tyler-incasualsuit-20220721",
      script: SCRIPT,
      voiceId: PLAIN_VOICE,
    });
    expect(pub.status, JSON.stringify(pub.body)).to.equal(200);
    expect(heygenSim().calls.map((c) => `${c.method} ${c.path}`)).to.deep.equal([
      "POST /v3/videos",
    ]);
  });

  it("in-flight guard: concurrent script generates of one project create one video and report its voice", async () => {
    const user = await consentingUser(["heygen_face"]);
    await warmVoices(user);
    const projectId = await newProject(user);
    const body = { projectId, script: SCRIPT, voiceId: PLAIN_VOICE };
    const [a, b] = await Promise.all([generate(user, body), generate(user, body)]);
    expect(a.status, JSON.stringify(a.body)).to.equal(200);
    expect(b.status, JSON.stringify(b.body)).to.equal(200);
    expect(a.body.videoId).to.equal(b.body.videoId);
    expect(b.body.voice).to.deep.equal(a.body.voice);
    const later = await generate(user, body);
    expect(later.body.videoId).to.equal(a.body.videoId);
    expect(later.body.voice).to.include({ source: "tts", voiceId: PLAIN_VOICE });
    expect(createCalls("/v3/videos")).to.have.length(1);
  });

  it("voices: filtered by language and gender from the cache, with preview URLs", async () => {
    const user = await consentingUser(["heygen_face"]);
    await warmVoices(user);
    const calls = heygenSim().countCalls();
    const res = await callFunction<{ voices: Record<string, unknown>[] }>(
      "voices",
      "/api/heygen/voices?language=german&gender=MALE",
      { token: user.idToken },
    );
    expect(res.status).to.equal(200);
    expect(res.headers.get("x-cache")).to.equal("HIT");
    const want = PUBLIC_VOICES.filter((v) => v.language === "German" && v.gender === "male");
    expect(res.body.voices.map((v) => v.id)).to.deep.equal(want.map((v) => v.voice_id));
    expect(res.body.voices.every((v) => typeof v.previewAudioUrl === "string")).to.equal(true);
    expect(heygenSim().countCalls()).to.equal(calls);
    const bad = await callFunction<{ error: string }>("voices", "/api/heygen/voices?sort=x", {
      token: user.idToken,
    });
    expect(bad.status).to.equal(400);
  });
});

describe("generate with a script on the legacy v2 API (service layer)", function () {
  this.timeout(60000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });

  it("sends video_inputs[0].voice {type:text, input_text, voice_id, speed, pitch}, no upload", async () => {
    const app = testContext({ apiVersion: "v2", fallback: "Daisy-inskirt-20220818" });
    const user = await consentingUser(["heygen_face"]);
    const projectId = await newProject(user);
    const res = submitted(
      await generateVideo(app, user.uid, {
        projectId,
        script: SCRIPT,
        voiceId: PLAIN_VOICE,
        voiceSettings: { speed: 0.8, pitch: -10 },
      }),
    );
    const [create] = createCalls("/v2/video/generate");
    const folder = [...heygenSim().model.folders.values()].find(
      (f) => f.name === `masky_${user.uid}`,
    );
    expect(create.body).to.deep.equal({
      video_inputs: [
        {
          character: {
            type: "avatar",
            avatar_id: "Daisy-inskirt-20220818",
            avatar_style: "normal",
          },
          voice: {
            type: "text",
            input_text: SCRIPT,
            voice_id: PLAIN_VOICE,
            speed: 0.8,
            pitch: -10,
          },
        },
      ],
      dimension: { width: 1280, height: 720 },
      title: `Project ${projectId} · masky:${projectId}:1`,
      callback_id: projectId,
      folder_id: folder?.id,
    });
    expect(heygenSim().countCalls("/v1/asset")).to.equal(0);
    expect(res.voice).to.include({ source: "tts", voiceId: PLAIN_VOICE, speed: 0.8, pitch: -10 });
  });

  it("needs a voiceId (the legacy body has no default voice)", async () => {
    const app = testContext({ apiVersion: "v2", fallback: "Daisy-inskirt-20220818" });
    const user = await consentingUser(["heygen_face"]);
    const err = await generateVideo(app, user.uid, {
      projectId: await newProject(user),
      script: SCRIPT,
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ApiError);
    expect((err as ApiError).message).to.match(/^voiceId: is required/);
    expect(heygenSim().countCalls("/v2/video/generate")).to.equal(0);
  });
});

describe("text → completed video through HeyGen's signed webhook (v3)", function () {
  this.timeout(60000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });
  let endpointId = "";
  before(async () => {
    const url = functionUrl("heygen_webhook", "/api/heygen/webhook");
    // Registered on the simulator's model directly: the same URL registered over HTTP
    // by the webhook suite would replay that suite's (deleted) endpoint through v3's
    // Idempotency-Key.
    endpointId = heygenSim().model.addWebhook(url, WEBHOOK_EVENTS).id;
  });
  after(() => heygenSim().model.webhooks.delete(endpointId));

  it("completes from the pushed event; the MP4 has an audio track as long as the script takes to speak", async () => {
    const user = await consentingUser(["heygen_face"]);
    const projectId = await newProject(user, { photo: 15 });
    const script = "This sentence is typed, not recorded. ".repeat(3).trim();
    const res = await generate(user, {
      projectId,
      script,
      voiceId: PLAIN_VOICE,
      voiceSettings: { speed: 1.5 },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const project = await waitForDoc(
      db().doc(`projects/${projectId}`),
      (d) => d?.heygenStatus === "completed",
    );
    expect(project?.videoUrl).to.match(/Expires=/);
    // The simulator speaks the script (espeak-ng): about as long as the estimate for
    // its length and speed, and the render ends on that audio (-shortest), give or take
    // a few frames.
    const speech = await runFfmpeg(
      [
        "-i",
        heygenSim().model.videos.get(res.body.videoId)?.audioFile as string,
        "-f",
        "null",
        "-",
      ],
      30000,
    );
    const spoken = speech.durationSeconds as number;
    expect(spoken).to.be.closeTo(speechSeconds(script, 1.5), speechSeconds(script, 1.5) * 0.35);
    expect(project?.durationSeconds).to.be.closeTo(spoken, 0.5);
    const probe = await runFfmpeg(
      ["-i", heygenSim().model.videoFile(res.body.videoId), "-f", "null", "-"],
      30000,
    );
    expect(probe.stderr)
      .to.match(/Video: h264/)
      .and.to.match(/Audio: aac/);
    expect(probe.durationSeconds).to.be.closeTo(spoken, 0.5);
    // Recorded once the function's answer is back, a moment after the project completed.
    await acceptedDelivery(
      () => heygenSim().webhookDeliveries,
      res.body.videoId,
      "avatar_video.success",
      10000,
    );
  });
});

describe("the HeyGen simulator's text path, validated as HeyGen validates it", function () {
  this.timeout(30000);
  useStack({ servers: ["heygen"], fresh: { heygen: true } });

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${heygenSim().apiUrl}${path}`, {
      method: "POST",
      headers: { "X-Api-Key": heygenSim().apiKey, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const v2 = (voice: Record<string, unknown>) =>
    post("/v2/video/generate", {
      video_inputs: [{ character: { type: "avatar", avatar_id: "Daisy-inskirt-20220818" }, voice }],
    });
  const v3 = (fields: Record<string, unknown>) =>
    post("/v3/videos", { type: "avatar", avatar_id: "Daisy-inskirt-20220818", ...fields });

  it("legacy: unknown voice → 400 400116, over-long input_text → 400 40039, speed outside the range → 400", async () => {
    const unknown = await v2({ type: "text", input_text: "Hi", voice_id: "nope" });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error).to.deep.include({ code: 400116 });
    const long = await v2({ type: "text", input_text: "x".repeat(5001), voice_id: PLAIN_VOICE });
    expect(long.status).to.equal(400);
    expect(long.body.error).to.deep.include({
      code: 40039,
      message: "input_text exceeds 5000 characters",
    });
    const fast = await v2({ type: "text", input_text: "Hi", voice_id: PLAIN_VOICE, speed: 1.8 });
    expect(fast.status).to.equal(400);
    const ok = await v2({ type: "text", input_text: "Hi", voice_id: PLAIN_VOICE });
    expect(ok.status).to.equal(200);
  });

  it("v3: unknown voice → 404 voice_not_found, over-long script → 400 with param, script and audio are exclusive", async () => {
    const unknown = await v3({ script: "Hi", voice_id: "nope" });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error).to.deep.include({ code: "voice_not_found" });
    const long = await v3({ script: "x".repeat(5001), voice_id: PLAIN_VOICE });
    expect(long.status).to.equal(400);
    expect(long.body.error).to.deep.include({ code: "invalid_parameter", param: "script" });
    const both = await v3({ script: "Hi", audio_asset_id: "a" });
    expect(both.status).to.equal(400);
    const pitch = await v3({ script: "Hi", voice_settings: { pitch: 60 } });
    expect(pitch.body.error).to.deep.include({ param: "voice_settings.pitch" });
    const ok = await v3({ script: "Hi" });
    expect(ok.status).to.equal(200);
  });

  it("the spoken audio gets longer with the script", () => {
    expect(speechSeconds("x".repeat(300))).to.be.greaterThan(speechSeconds("x".repeat(30)));
    expect(speechSeconds("x".repeat(300), 1.5)).to.be.lessThan(speechSeconds("x".repeat(300)));
  });
});
