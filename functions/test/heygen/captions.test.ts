/**
 * WebVTT captions of finished talking videos, through the emulators and the HeyGen
 * simulator (which speaks scripts with espeak-ng): a script's words, a recording's typed
 * transcript, none without one; the captions go with the video (project delete,
 * retention, erasure) and come with the export.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { callFunction } from "../helpers/http";
import type { TestUser } from "../helpers/auth";
import { consentingUser } from "../helpers/consent";
import { waitForDoc } from "../helpers/firestore";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { bucket, uploadFile } from "../helpers/storage";
import { heygenSim } from "../helpers/servers";
import { useStack } from "../helpers/use-stack";
import { waitForRender } from "../helpers/videos";
import { photoJpeg, speechWebm } from "../fixtures/media";
import { speechTimeline } from "../../src/services/speech/compute";
import type { Segment } from "../../src/services/speech/schema";
import { purgeExpiredMedia } from "../../src/services/privacy/purge-expired-media";
import { TRANSCRIPT_MAX_CHARS } from "../../src/services/captions/captions-source";

const SCRIPT = "Hello there. This avatar reads a typed script, and captions follow every word.";
const SPOKEN = "I recorded this message myself. It has two short sentences.";
const DAY = 86400000;

interface StatusBody {
  status: string;
  archiveState: string | null;
  captionsUrl: string | null;
  captionsSource: string | null;
}

interface Cue {
  start: number;
  end: number;
  text: string;
}

const seconds = (ts: string) => {
  const [h, m, s] = ts.split(":");
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
};

/** A WebVTT file as a player reads it: the header, then cues of timing line and text. */
function parseVtt(vtt: string): Cue[] {
  const blocks = vtt
    .replace(/\r\n/g, "\n")
    .trim()
    .split(/\n{2,}/);
  expect(blocks[0]).to.match(/^WEBVTT/);
  return blocks.slice(1).map((block) => {
    const lines = block.split("\n");
    if (!lines[0].includes("-->")) lines.shift(); // the cue's identifier
    const [timing, ...text] = lines;
    const m = /^(\d{2}:\d{2}:\d{2}\.\d{3}) --> (\d{2}:\d{2}:\d{2}\.\d{3})$/.exec(timing);
    expect(m, timing).to.not.equal(null);
    return {
      start: seconds(m?.[1] ?? ""),
      end: seconds(m?.[2] ?? ""),
      text: text.join(" ").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"),
    };
  });
}

const wordsOf = (s: string) => s.split(/\s+/).filter(Boolean);

const status = (user: TestUser, videoId: string) =>
  callFunction<StatusBody>("video_status", `/api/heygen/video_status.get?video_id=${videoId}`, {
    token: user.idToken,
  });

const generate = (user: TestUser, body: Record<string, unknown>) =>
  callFunction<{ videoId: string; error?: string; details?: unknown }>(
    "generate",
    "/api/heygen/generate",
    { method: "POST", token: user.idToken, body },
  );

/** A project with the user's photo and, optionally, a recording of SPOKEN (espeak-ng). */
async function newProject(user: TestUser, recorded = false): Promise<string> {
  const id = `p-${randomUUID().slice(0, 8)}`;
  const data: Record<string, string> = {
    userId: user.uid,
    name: `Project ${id}`,
    avatarUrl: await uploadFile(await photoJpeg(3), `users/${user.uid}/${id}.jpg`, "image/jpeg"),
  };
  if (recorded) {
    data.voiceUrl = await uploadFile(
      await speechWebm("captions", SPOKEN),
      `users/${user.uid}/${id}.webm`,
      "audio/webm",
    );
  }
  await db().doc(`projects/${id}`).set(data);
  return id;
}

/** generate, the render, the status read that completes it, and its archive (with captions). */
async function archivedVideo(user: TestUser, body: Record<string, unknown>) {
  const res = await generate(user, body);
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  const videoId = res.body.videoId;
  await waitForRender(videoId);
  expect((await status(user, videoId)).body.status).to.equal("completed");
  const projectId = String(body.projectId);
  const done = await waitForDoc(
    db().doc(`projects/${projectId}`),
    (d) => d?.archive?.state === "done",
    45000,
  );
  return { videoId, projectId, project: done };
}

/** The captions as video_status serves them (signed URL), parsed. */
async function servedCues(user: TestUser, videoId: string) {
  const body = (await status(user, videoId)).body;
  expect(body.captionsUrl).to.contain("X-Goog-Signature=");
  const res = await fetch(body.captionsUrl as string);
  expect(res.status).to.equal(200);
  return { body, cues: parseVtt(await res.text()) };
}

/** The voiced stretches of the archived video's audio, analysed here on their own. */
async function voicedSegments(videoPath: string): Promise<Segment[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "masky-captions-test-"));
  try {
    const local = path.join(dir, "video.mp4");
    await bucket().file(videoPath).download({ destination: local });
    return (await speechTimeline(local, "video/mp4")).voice;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Cues in order, never overlapping, each starting and ending inside a voiced stretch. */
function expectCuesInsideVoice(cues: Cue[], voice: Segment[]) {
  const tolerance = 0.002; // both sides are rounded to the millisecond
  const voiced = (t: number) =>
    voice.some((v) => t >= v.t - tolerance && t <= v.t + v.d + tolerance);
  expect(voice.length).to.be.greaterThan(0);
  cues.forEach((cue, i) => {
    expect(cue.end, JSON.stringify(cue)).to.be.greaterThan(cue.start);
    if (i > 0) expect(cue.start).to.be.at.least(cues[i - 1].end);
    expect(voiced(cue.start), `start of ${JSON.stringify(cue)}`).to.equal(true);
    expect(voiced(cue.end), `end of ${JSON.stringify(cue)}`).to.equal(true);
  });
}

describe("captions of finished talking videos (WebVTT)", function () {
  this.timeout(120000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });

  it("a script video gets captions of the script's words, in order, timed inside the voiced stretches of its audio", async () => {
    const user = await consentingUser(["heygen_face"]);
    const projectId = await newProject(user);
    const { videoId, project } = await archivedVideo(user, { projectId, script: SCRIPT });
    const captionsPath = `videos/${user.uid}/${projectId}.vtt`;
    expect(project?.captions).to.deep.equal({
      source: "script",
      script: null, // the captions hold the words now
      path: captionsPath,
      error: null,
    });
    const { body, cues } = await servedCues(user, videoId);
    expect(body.captionsSource).to.equal("script");
    expect(cues.length).to.be.greaterThan(1);
    expect(wordsOf(cues.map((c) => c.text).join(" "))).to.deep.equal(wordsOf(SCRIPT));
    expectCuesInsideVoice(cues, await voicedSegments(project?.archivedVideoPath));
    const [meta] = await bucket().file(captionsPath).getMetadata();
    expect(meta.contentType).to.match(/^text\/vtt/);
  });

  it("a recording with a typed transcript gets captions of it; the transcript stays on the project", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user, true);
    const typed = `  ${SPOKEN}\n`;
    const { videoId, project } = await archivedVideo(user, { projectId, transcript: typed });
    expect(project?.transcript).to.equal(SPOKEN);
    expect(project?.captions).to.include({ source: "transcript", error: null });
    const { body, cues } = await servedCues(user, videoId);
    expect(body.captionsSource).to.equal("transcript");
    expect(wordsOf(cues.map((c) => c.text).join(" "))).to.deep.equal(wordsOf(SPOKEN));
    expectCuesInsideVoice(cues, await voicedSegments(project?.archivedVideoPath));
  });

  it("a recording without a transcript has no captions, and video_status says so", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user, true);
    const { videoId, project } = await archivedVideo(user, { projectId });
    expect(project?.transcript).to.equal(null);
    expect(project?.captions).to.deep.equal({
      source: "none",
      script: null,
      path: null,
      error: null,
    });
    const body = (await status(user, videoId)).body;
    expect(body).to.include({ archiveState: "done", captionsUrl: null, captionsSource: "none" });
    const [exists] = await bucket().file(`videos/${user.uid}/${projectId}.vtt`).exists();
    expect(exists).to.equal(false);
  });

  it("a transcript too long, empty, with control characters or with a script is a 400 naming the field; nothing is created", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user, true);
    const videosBefore = heygenSim().model.videos.size;
    for (const body of [
      { transcript: "a".repeat(TRANSCRIPT_MAX_CHARS + 1) },
      { transcript: "line one\u0000line two" },
      { transcript: "escape \u001b[31m red" },
      { transcript: " \n " },
      { script: SCRIPT, transcript: SCRIPT },
    ]) {
      const res = await generate(user, { projectId, ...body });
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error).to.equal("INVALID_REQUEST");
      const paths = (res.body.details as { path: string }[]).map((i) => i.path);
      expect(paths, JSON.stringify(res.body)).to.deep.equal(["transcript"]);
    }
    expect(heygenSim().model.videos.size).to.equal(videosBefore);
  });

  it("deleting the project deletes its captions", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user, true);
    await archivedVideo(user, { projectId, transcript: SPOKEN });
    const captionsPath = `videos/${user.uid}/${projectId}.vtt`;
    expect((await bucket().file(captionsPath).exists())[0]).to.equal(true);
    const res = await callFunction<{ removed: { storage: string[] } }>(
      "projects",
      `/api/projects/${projectId}`,
      { method: "DELETE", token: user.idToken },
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.removed.storage).to.include(captionsPath);
    expect((await bucket().file(captionsPath).exists())[0]).to.equal(false);
  });

  it("retention purges the captions with the archived video; video_status then serves none", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user, true);
    const { videoId } = await archivedVideo(user, { projectId, transcript: SPOKEN });
    const captionsPath = `videos/${user.uid}/${projectId}.vtt`;
    const later = testContext({ clock: { now: () => new Date(Date.now() + 400 * DAY) } });
    expect((await purgeExpiredMedia(later)).videos).to.equal(1);
    expect((await bucket().file(captionsPath).exists())[0]).to.equal(false);
    const after = (await db().doc(`projects/${projectId}`).get()).data();
    expect(after?.captions).to.include({ source: "transcript", path: null });
    expect((await status(user, videoId)).body).to.include({
      archiveState: "purged",
      captionsUrl: null,
    });
  });

  it("the export lists the captions with a signed URL; the erasure deletes them", async () => {
    const user = await consentingUser();
    const projectId = await newProject(user, true);
    await archivedVideo(user, { projectId, transcript: SPOKEN });
    const captionsPath = `videos/${user.uid}/${projectId}.vtt`;
    const exported = await callFunction<{
      media: { path: string; contentType: string | null; url: string }[];
      projects: { id: string; transcript?: string }[];
    }>("me", "/api/me/export", { token: user.idToken });
    expect(exported.status).to.equal(200);
    const captions = exported.body.media.find((m) => m.path === captionsPath);
    expect(captions?.contentType).to.match(/^text\/vtt/);
    const vtt = await (await fetch(captions?.url as string)).text();
    expect(
      wordsOf(
        parseVtt(vtt)
          .map((c) => c.text)
          .join(" "),
      ),
    ).to.deep.equal(wordsOf(SPOKEN));
    expect(exported.body.projects.find((p) => p.id === projectId)?.transcript).to.equal(SPOKEN);

    const erased = await callFunction("me", "/api/me", { method: "DELETE", token: user.idToken });
    expect(erased.status).to.equal(202);
    for (let i = 0; i < 100 && (await bucket().file(captionsPath).exists())[0]; i++)
      await new Promise((r) => setTimeout(r, 200));
    expect((await bucket().file(captionsPath).exists())[0]).to.equal(false);
    const [left] = await bucket().getFiles({ prefix: `videos/${user.uid}/` });
    expect(left.map((f) => f.name)).to.deep.equal([]);
  });
});
