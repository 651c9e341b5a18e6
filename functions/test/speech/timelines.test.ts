/**
 * Speech timelines of a user's recordings through the emulators (real HTTP to the
 * emulated `speech` function, the recording in the Storage emulator): computed in the
 * function, stored next to the audio with an index document, answered from the cache
 * for the same audio, owner-only, refused without the speech_timeline consent, the
 * recording deleted unless a video needs it; exported, and deleted by project deletion,
 * withdrawal and erasure.
 */
import { expect } from "chai";
import { callFunction } from "../helpers/http";
import { createUser, type TestUser } from "../helpers/auth";
import { db } from "../helpers/admin";
import { bucket, uploadFile } from "../helpers/storage";
import { consentingUser } from "../helpers/consent";
import { useStack } from "../helpers/use-stack";
import { speechWebm, TEN_SECONDS_OF_SPEECH } from "../fixtures/media";
import { testContext } from "../helpers/context";
import { purgeUnusedInputs } from "../../src/services/privacy/release-inputs";
import { SpeechTimelineSchema, type SpeechTimeline } from "../../src/services/speech/schema";

const HOUR = 3600_000;

interface Computed {
  timelineId: string;
  timeline: SpeechTimeline;
  cached: boolean;
  computeMs: number;
  audioSeconds: number;
  audioDeleted: boolean;
}

const exists = async (path: string) => (await bucket().file(path).exists())[0];

async function compute(user: TestUser, body: Record<string, unknown>) {
  return callFunction<Computed>("speech", "/api/speech/timelines", {
    method: "POST",
    token: user.idToken,
    body,
  });
}

const SPEECH = {
  ten: TEN_SECONDS_OF_SPEECH,
  other: "A different recording, for the talking video.",
} as const;

/** A recording of `speech` uploaded to the user's folder as `name`.webm; answers its path. */
async function upload(user: TestUser, name: string, speech: keyof typeof SPEECH = "ten") {
  const file = await speechWebm(speech, SPEECH[speech]);
  return uploadFile(file, `users/${user.uid}/${name}.webm`, "audio/webm");
}

const indexDocs = async (uid: string) =>
  (await db().collection(`users/${uid}/speech_timelines`).get()).docs;

describe("speech timelines (POST/GET /api/speech/timelines)", function () {
  this.timeout(90000);
  useStack({ servers: ["storage"], fresh: { firestore: true } });

  it("computes 10 s of speech in under a second of server time, stores it next to the audio and deletes the recording", async () => {
    const user = await consentingUser(["speech_timeline"]);
    const audio = await upload(user, "rec-1");
    const res = await compute(user, { audio, text: TEN_SECONDS_OF_SPEECH });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const body = res.body;
    expect(body.cached).to.equal(false);
    expect(body.audioSeconds).to.be.within(9.5, 12);
    expect(body.computeMs).to.be.above(0).and.below(1000);
    expect(body.timelineId).to.match(/^[0-9a-f]{64}$/);
    const timeline = SpeechTimelineSchema.parse(body.timeline);
    expect(timeline.words?.map((w) => w.text).join(" ")).to.equal(TEN_SECONDS_OF_SPEECH);
    expect(timeline.visemes.length).to.be.above(30);

    // Stored next to the audio, with its index; the recording itself is gone.
    const stored = `${audio}.timeline.json`;
    const [json] = await bucket().file(stored).download();
    expect(SpeechTimelineSchema.parse(JSON.parse(json.toString()))).to.deep.equal(timeline);
    const [index] = await indexDocs(user.uid);
    expect(index.id).to.equal(body.timelineId);
    expect(index.data()).to.include({ audioPath: audio, timelinePath: stored });
    expect(index.data().computeMs).to.equal(body.computeMs);
    expect(body.audioDeleted).to.equal(true);
    expect(await exists(audio)).to.equal(false);

    // GET answers the stored timeline.
    const read = await callFunction<{ timeline: SpeechTimeline }>(
      "speech",
      `/api/speech/timelines/${body.timelineId}`,
      { token: user.idToken },
    );
    expect(read.status).to.equal(200);
    expect(read.body.timeline).to.deep.equal(timeline);
  });

  it("analyses the same audio once: a second upload of it is answered from the cache, new text only re-spreads the words", async () => {
    const user = await consentingUser(["speech_timeline"]);
    const first = await compute(user, { audio: await upload(user, "once") });
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body.cached).to.equal(false);
    expect(first.body.timeline.words).to.equal(undefined);

    const again = await upload(user, "twice");
    const second = await compute(user, { audio: again, text: "Hello there, avatar." });
    expect(second.status, JSON.stringify(second.body)).to.equal(200);
    expect(second.body).to.include({
      cached: true,
      computeMs: 0,
      timelineId: first.body.timelineId,
    });
    expect(second.body.timeline.visemes).to.deep.equal(first.body.timeline.visemes);
    expect(second.body.timeline.words?.map((w) => w.text)).to.deep.equal([
      "Hello",
      "there,",
      "avatar.",
    ]);
    // One analysis: one index document, no second timeline file, the first one's cost kept.
    const docs = await indexDocs(user.uid);
    expect(docs).to.have.length(1);
    expect(docs[0].data().computeMs).to.equal(first.body.computeMs);
    expect(await exists(`${again}.timeline.json`)).to.equal(false);
    expect(second.body.audioDeleted).to.equal(true);
    expect(await exists(again)).to.equal(false);
  });

  it("is owner-only: another user's recording is refused, another user's timeline is not found", async () => {
    const owner = await consentingUser(["speech_timeline"]);
    const other = await consentingUser(["speech_timeline"]);
    const audio = await upload(owner, "mine");
    const stolen = await compute(other, { audio });
    expect(stolen.status).to.equal(403);
    expect(stolen.body).to.deep.include({ error: "FORBIDDEN" });
    expect(await exists(audio)).to.equal(true);

    const own = await compute(owner, { audio });
    expect(own.status).to.equal(200);
    const read = await callFunction("speech", `/api/speech/timelines/${own.body.timelineId}`, {
      token: other.idToken,
    });
    expect(read.status).to.equal(404);
    expect(read.body).to.deep.include({ error: "NOT_FOUND" });
    expect(await indexDocs(other.uid)).to.have.length(0);
  });

  it("refuses without the speech_timeline consent, before reading the recording", async () => {
    const user = await consentingUser(["avatar_3d", "heygen_voice"]);
    const audio = await upload(user, "no-consent");
    const res = await compute(user, { audio });
    expect(res.status).to.equal(403);
    expect(res.body).to.deep.include({ error: "CONSENT_REQUIRED" });
    expect(
      (res.body as unknown as { details: { missing: string[] } }).details.missing,
    ).to.deep.equal(["speech_timeline"]);
    expect(await exists(audio)).to.equal(true);
    expect(await indexDocs(user.uid)).to.have.length(0);
  });

  it("keeps a recording a video still needs", async () => {
    const user = await consentingUser(["speech_timeline", "heygen_voice"]);
    const audio = await upload(user, "for-video");
    await db()
      .doc(`projects/keep-${user.uid}`)
      .set({ userId: user.uid, name: "Keep", voiceUrl: audio });
    const res = await compute(user, { audio });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.audioDeleted).to.equal(false);
    expect(await exists(audio)).to.equal(true);
  });

  it("refuses a file that is not audio", async () => {
    const user = await consentingUser(["speech_timeline"]);
    const path = `users/${user.uid}/notes.webm`;
    await bucket().file(path).save(Buffer.from("not a recording at all, just text"), {
      contentType: "audio/webm",
      resumable: false,
    });
    const res = await compute(user, { audio: path });
    expect(res.status).to.equal(415);
    expect(res.body).to.deep.include({ error: "UNSUPPORTED_MEDIA" });
  });
});

describe("speech timelines and the data rights", function () {
  this.timeout(120000);
  useStack({ servers: ["storage"], fresh: { firestore: true } });

  async function withTimeline(user: TestUser, name: string): Promise<Computed> {
    const res = await compute(user, { audio: await upload(user, name) });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  }

  it("appear in the export (index and JSON) and are deleted by the erasure", async () => {
    const user = await consentingUser(["speech_timeline"]);
    const computed = await withTimeline(user, "exported");
    const json = `users/${user.uid}/exported.webm.timeline.json`;
    const exported = await callFunction<{
      speechTimelines: { id: string; timelinePath: string }[];
      media: { path: string; contentType: string | null }[];
    }>("me", "/api/me/export", { token: user.idToken });
    expect(exported.status).to.equal(200);
    expect(exported.body.speechTimelines).to.have.length(1);
    expect(exported.body.speechTimelines[0]).to.include({
      id: computed.timelineId,
      timelinePath: json,
    });
    expect(exported.body.media.map((m) => m.path)).to.include(json);

    const erase = await callFunction("me", "/api/me", { method: "DELETE", token: user.idToken });
    expect(erase.status, JSON.stringify(erase.body)).to.equal(202);
    expect(await exists(json)).to.equal(false);
    expect(await indexDocs(user.uid)).to.have.length(0);
  });

  it("are deleted with the project whose recording they were computed from", async () => {
    const user = await consentingUser(["speech_timeline", "heygen_voice"]);
    const kept = await withTimeline(user, "kept-elsewhere");
    const voice = await upload(user, "project-voice", "other");
    const projectId = `tl-${user.uid}`;
    await db().doc(`projects/${projectId}`).set({ userId: user.uid, name: "T", voiceUrl: voice });
    const computed = await compute(user, { audio: voice });
    expect(computed.status, JSON.stringify(computed.body)).to.equal(200);
    expect(computed.body.audioDeleted).to.equal(false);
    expect(await exists(`${voice}.timeline.json`)).to.equal(true);

    const del = await callFunction("projects", `/api/projects/${projectId}`, {
      method: "DELETE",
      token: user.idToken,
    });
    expect(del.status, JSON.stringify(del.body)).to.equal(200);
    expect(await exists(`${voice}.timeline.json`)).to.equal(false);
    const left = (await indexDocs(user.uid)).map((d) => d.id);
    expect(left).to.deep.equal([kept.timelineId]);
  });

  it("follow their recording's retention: purged with their index once no project needs them", async () => {
    const user = await consentingUser(["speech_timeline", "heygen_voice"]);
    await withTimeline(user, "alone");
    const voice = await upload(user, "needed", "other");
    await db()
      .doc(`projects/ret-${user.uid}`)
      .set({ userId: user.uid, name: "R", voiceUrl: voice });
    const needed = await compute(user, { audio: voice });
    expect(needed.status, JSON.stringify(needed.body)).to.equal(200);
    const at = (ms: number) => testContext({ clock: { now: () => new Date(Date.now() + ms) } });

    await purgeUnusedInputs(at(23 * HOUR), { budgetMs: 60000 });
    expect(await exists(`users/${user.uid}/alone.webm.timeline.json`)).to.equal(true);
    expect(await exists(`${voice}.timeline.json`)).to.equal(true);
    expect(await indexDocs(user.uid)).to.have.length(2);
    // A day later the project (never generated) needs its recording no more.
    await purgeUnusedInputs(at(25 * HOUR), { budgetMs: 60000 });
    expect(await exists(`users/${user.uid}/alone.webm.timeline.json`)).to.equal(false);
    expect(await indexDocs(user.uid)).to.have.length(0);
    expect(await exists(`${voice}.timeline.json`)).to.equal(false);
    expect(await exists(voice)).to.equal(false);
  });

  it("are deleted when the speech_timeline consent is withdrawn", async () => {
    const user = await consentingUser(["speech_timeline"]);
    await withTimeline(user, "withdrawn");
    const res = await callFunction<{ removed: { storage: string[]; firestore: string[] } }>(
      "me",
      "/api/me/consent/speech_timeline",
      { method: "DELETE", token: user.idToken },
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.removed.storage).to.deep.equal([
      `users/${user.uid}/withdrawn.webm.timeline.json`,
    ]);
    expect(await indexDocs(user.uid)).to.have.length(0);
    expect(await exists(`users/${user.uid}/withdrawn.webm.timeline.json`)).to.equal(false);
    const after = await compute(user, { audio: await upload(user, "after") });
    expect(after.status).to.equal(403);
  });

  it("needs a signed-in caller", async () => {
    const anonymous = await callFunction("speech", "/api/speech/timelines", {
      method: "POST",
      body: { audio: "users/x/a.webm" },
    });
    expect(anonymous.status).to.equal(401);
    const user = await createUser();
    const bad = await callFunction("speech", "/api/speech/timelines/not-an-id", {
      token: user.idToken,
    });
    expect(bad.status).to.equal(400);
  });
});
