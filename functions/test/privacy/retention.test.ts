import { expect } from "chai";
import { callFunction } from "../helpers/http";
import { waitForDoc } from "../helpers/firestore";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { consentingUser } from "../helpers/consent";
import type { TestUser } from "../helpers/auth";
import { postJob, sweepUntilTerminal } from "../helpers/avatar";
import { startVideo, waitForRender } from "../helpers/videos";
import { heygenSim } from "../helpers/servers";
import { purgeExpiredMedia } from "../../src/services/privacy/purge-expired-media";
import { purgeUnusedInputs } from "../../src/services/privacy/release-inputs";
import { generationRun, leaseUntil, projectWithVoice } from "../helpers/projects";
import { bucket, uploadFile } from "../helpers/storage";
import { photoJpeg, voiceWebm } from "../fixtures/media";
import { useStack } from "../helpers/use-stack";

const DAY = 86400000;

describe("retention: archived videos and GLBs are purged after MEDIA_RETENTION_DAYS", function () {
  this.timeout(90000);
  useStack({
    servers: ["storage", "heygen"],
    provider: "avatar-sdk",
    fresh: { firestore: true, heygen: true },
  });

  it("the documents say until when; the scheduler deletes the files then, once, and the API says they were purged", async () => {
    const user = await consentingUser();
    const { projectId, videoId } = await startVideo(user);
    await waitForRender(videoId);
    await callFunction("video_status", `/api/heygen/video_status.get?video_id=${videoId}`, {
      token: user.idToken,
    });
    const archived = await waitForDoc(
      db().doc(`projects/${projectId}`),
      (d) => d?.archive?.state === "done",
      30000,
    );
    const retainUntil = archived?.archive.retainUntil.toMillis() as number;
    expect(retainUntil - archived?.archive.archivedAt.toMillis()).to.equal(90 * DAY);
    const jobId = await postJob(user);
    await sweepUntilTerminal(jobId);
    const asset = (await db().doc(`avatar_assets/${jobId}`).get()).data();
    expect(asset?.retain_until.toMillis() - asset?.created_at.toMillis()).to.equal(90 * DAY);

    expect(await purgeExpiredMedia(testContext())).to.deep.equal({ videos: 0, glbs: 0 });
    const later = testContext({ clock: { now: () => new Date(Date.now() + 91 * DAY) } });
    expect(await purgeExpiredMedia(later)).to.deep.equal({ videos: 1, glbs: 1 });
    expect(await purgeExpiredMedia(later)).to.deep.equal({ videos: 0, glbs: 0 });

    expect((await bucket().file(archived?.archivedVideoPath).exists())[0]).to.equal(false);
    expect((await bucket().file(`avatars/${jobId}/model.glb`).exists())[0]).to.equal(false);
    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project).to.include({ archivedVideoPath: null });
    expect(project?.archive).to.include({ state: "purged", retainUntil: null });
    const glb = await callFunction<{ error: string; message: string }>(
      "avatar_assets",
      `/avatar/assets/${jobId}`,
      { token: user.idToken },
    );
    expect(glb.status).to.equal(404);
    expect(glb.body.message).to.match(/purged/);
  });
});

/** generate with a render HeyGen fails; returns the video id once the project says failed. */
async function failedGenerate(user: TestUser, projectId: string): Promise<string> {
  heygenSim().model.nextVideoFailure = { code: 40119, message: "Video is too long" };
  const res = await callFunction<{ videoId: string }>("generate", "/api/heygen/generate", {
    method: "POST",
    token: user.idToken,
    body: { projectId },
  });
  heygenSim().model.nextVideoFailure = null;
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  await waitForRender(res.body.videoId);
  const url = `/api/heygen/video_status.get?video_id=${res.body.videoId}`;
  for (let i = 0; i < 20; i++) {
    const status = await callFunction<{ status: string }>("video_status", url, {
      token: user.idToken,
    });
    if (status.body.status === "failed") return res.body.videoId;
    await new Promise((r) => setTimeout(r, 500)); // answered from the stored project while fresh
  }
  throw new Error(`video ${res.body.videoId} never read as failed`);
}

/** Whether each object still exists, in order. */
const present = (paths: string[]) =>
  Promise.all(paths.map(async (p) => (await bucket().file(p).exists())[0]));

describe("retention: photos and recordings are deleted once no unfinished video needs them", function () {
  this.timeout(120000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });
  const HOUR = 3600_000;
  const at = (ms: number) => testContext({ clock: { now: () => new Date(Date.now() + ms) } });

  it("a completed video's photo and recording are deleted at once, except a file another project still needs", async () => {
    const user = await consentingUser();
    const projectId = await projectWithVoice(user.uid, 21, "retention");
    const made = (await db().doc(`projects/${projectId}`).get()).data();
    const [voice, photo] = [made?.voiceUrl as string, made?.avatarUrl as string];
    // A second project, not generated yet, made from the same photo.
    await db()
      .doc(`projects/${projectId}-b`)
      .set({ userId: user.uid, name: "same photo", avatarUrl: photo });
    const res = await callFunction<{ videoId: string }>("generate", "/api/heygen/generate", {
      method: "POST",
      token: user.idToken,
      body: { projectId },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(await present([voice, photo])).to.deep.equal([true, true]); // rendering: kept
    await waitForRender(res.body.videoId);
    await callFunction(
      "video_status",
      `/api/heygen/video_status.get?video_id=${res.body.videoId}`,
      {
        token: user.idToken,
      },
    );
    // on_project_updated deletes the inputs before it archives the video.
    await waitForDoc(db().doc(`projects/${projectId}`), (d) => d?.archive?.state === "done", 30000);
    expect(await present([voice, photo])).to.deep.equal([false, true]);

    // Once the other project no longer needs the photo either, the hourly purge deletes it.
    await purgeUnusedInputs(at(23 * HOUR), { budgetMs: 60000 });
    expect(await present([photo])).to.deep.equal([true]);
    await purgeUnusedInputs(at(25 * HOUR), { budgetMs: 60000 });
    expect(await present([photo])).to.deep.equal([false]);
  });

  it("a failed video keeps its inputs for INPUT_RETENTION_HOURS (a retry works), then the purge deletes them with unused uploads; a user generating right now is left alone", async () => {
    const user = await consentingUser(["heygen_voice"]);
    const projectId = await projectWithVoice(user.uid, null, "failing");
    const voice = (await db().doc(`projects/${projectId}`).get()).get("voiceUrl") as string;
    const orphan = await uploadFile(
      await photoJpeg(22),
      `users/${user.uid}/orphan.jpg`,
      "image/jpeg",
    );
    const first = await failedGenerate(user, projectId);
    // Another user whose generate is running: their old files are not touched.
    const busy = await consentingUser(["heygen_voice"]);
    const busyFile = await uploadFile(await photoJpeg(23), `users/${busy.uid}/x.jpg`, "image/jpeg");
    await db()
      .doc(`projects/busy-${busy.uid.slice(0, 6)}`)
      .set({
        userId: busy.uid,
        name: "running",
        generation: generationRun("submitting", {
          lease: leaseUntil("running", new Date(Date.now() + 48 * HOUR)),
        }),
      });

    await purgeUnusedInputs(at(23 * HOUR), { budgetMs: 60000 });
    expect(await present([voice, orphan, busyFile])).to.deep.equal([true, true, true]);
    // Within the window the same project is generated again from the same recording.
    const retry = await failedGenerate(user, projectId);
    expect(retry).to.not.equal(first);

    const report = await purgeUnusedInputs(at(25 * HOUR), { budgetMs: 60000 });
    expect(await present([voice, orphan, busyFile])).to.deep.equal([false, false, true]);
    expect(report.usersSkipped).to.be.greaterThanOrEqual(1);
  });

  it("a generate waiting in the background for its look (preparing) keeps its inputs through the purge", async () => {
    const user = await consentingUser();
    const voice = await uploadFile(await voiceWebm(), `users/${user.uid}/v.webm`, "audio/webm");
    const photo = await uploadFile(await photoJpeg(24), `users/${user.uid}/p.jpg`, "image/jpeg");
    // Named only in the stored request (generate's userAvatarUrl), not on the project.
    const requested = await uploadFile(
      await photoJpeg(25),
      `users/${user.uid}/requested.jpg`,
      "image/jpeg",
    );
    // Written by create, so on_project_updated does not resume it during the test.
    await db()
      .doc(`projects/deferred-${user.uid.slice(0, 6)}`)
      .create({
        userId: user.uid,
        name: "deferred",
        voiceUrl: voice,
        avatarUrl: photo,
        generation: generationRun("preparing", {
          nextAttemptAt: new Date(),
          deferred: {
            request: { userAvatarUrl: requested },
            quotaWindow: "2026-12-01",
            at: new Date(),
          },
        }),
      });
    await purgeUnusedInputs(at(25 * HOUR), { budgetMs: 60000 });
    expect(await present([voice, photo, requested])).to.deep.equal([true, true, true]);
  });
});
