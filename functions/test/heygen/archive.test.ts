import { expect } from "chai";
import { readFileSync } from "node:fs";
import { callFunction } from "../helpers/http";
import type { TestUser } from "../helpers/auth";
import { consentingUser } from "../helpers/consent";
import { waitForDoc } from "../helpers/firestore";
import { startVideo, waitForRender } from "../helpers/videos";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { bucket } from "../helpers/storage";
import { heygenSim } from "../helpers/servers";
import { archiveVideo } from "../../src/services/heygen/archive-video";
import { pollHeygenVideos } from "../../src/services/heygen/poll-videos";
import { videoFields } from "../../src/store/project-video";
import { heygenClientFor } from "../../src/services/heygen/client";
import { useStack } from "../helpers/use-stack";

const waitMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface StatusBody {
  status: string;
  archivedVideoUrl: string | null;
  archiveState: string | null;
}

async function completedVideo(user: TestUser) {
  const started = await startVideo(user);
  await waitForRender(started.videoId);
  return started;
}

const status = (user: TestUser, videoId: string) =>
  callFunction<StatusBody>("video_status", `/api/heygen/video_status.get?video_id=${videoId}`, {
    token: user.idToken,
  });

describe("archival of finished videos into Storage", function () {
  this.timeout(60000);
  useStack({ servers: ["storage", "heygen"], fresh: { firestore: true, heygen: true } });

  it("streams the finished video into videos/{uid}/{projectId}.mp4; video_status then serves a signed URL of it", async () => {
    const user = await consentingUser();
    const { projectId, videoId } = await completedVideo(user);
    expect((await status(user, videoId)).body.status).to.equal("completed");
    const done = await waitForDoc(
      db().doc(`projects/${projectId}`),
      (d) => d?.archive?.state === "done",
      30000,
    );
    expect(done?.archivedVideoPath).to.equal(`videos/${user.uid}/${projectId}.mp4`);
    const [stored] = await bucket().file(done?.archivedVideoPath).download();
    expect(stored.equals(readFileSync(heygenSim().model.videoFile(videoId)))).to.equal(true);

    const res = await status(user, videoId);
    expect(res.body.archiveState).to.equal("done");
    expect(res.body.archivedVideoUrl).to.contain("X-Goog-Signature=");
    const download = await fetch(res.body.archivedVideoUrl as string);
    expect(download.status).to.equal(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(stored)).to.equal(true);
  });

  it("a failed archival leaves the status alone, is recorded, and the poller retries it when due", async () => {
    const user = await consentingUser();
    const { projectId, videoId } = await completedVideo(user);
    heygenSim().faults.push({ path: "^/media/videos/", kind: "status", status: 500, times: 2 });
    expect((await status(user, videoId)).body.status).to.equal("completed");
    const failed = await waitForDoc(
      db().doc(`projects/${projectId}`),
      (d) => d?.archive?.state === "failed",
      30000,
    );
    expect(failed?.heygenStatus).to.equal("completed");
    expect(failed?.archive.error.message).to.match(/retrying in 1 min/);
    // The video plays from HeyGen meanwhile: done for the person watching.
    expect(failed?.step).to.equal("done");
    heygenSim().faults.length = 0;
    const later = { now: () => new Date(Date.now() + 2 * 60000) };
    const report = await pollHeygenVideos(testContext({ clock: later }), { budgetMs: 20000 });
    expect(report.archived).to.equal(1);
    const after = (await db().doc(`projects/${projectId}`).get()).data();
    expect(after).to.include({ archivedVideoPath: `videos/${user.uid}/${projectId}.mp4` });
    expect(after?.archive).to.include({ state: "done", attempts: 2 });
  });

  it("two archival runs at once: one archives, the other stands back", async () => {
    const user = await consentingUser();
    const { projectId } = await completedVideo(user);
    // Completed without going through the trigger: set directly, as an older project would be.
    const ctx = testContext();
    const details = await heygenClientFor(ctx).getVideo(
      (await db().doc(`projects/${projectId}`).get()).get("heygenVideoId"),
    );
    await db()
      .doc(`projects/${projectId}`)
      .update({
        ...videoFields(details, new Date(), { marginMs: 3600000, archived: false }),
        "video.state": "completed",
      });
    // A slow download keeps the first run busy while the second one arrives.
    heygenSim().faults.push({ path: "^/media/videos/", kind: "slow", delayMs: 1500 });
    const first = archiveVideo(ctx, projectId);
    await waitMs(300);
    const outcomes = await Promise.all([first, archiveVideo(ctx, projectId)]);
    expect(outcomes.sort()).to.deep.equal(["archived", "busy"]);
    expect((await db().doc(`projects/${projectId}`).get()).get("archive.attempts")).to.equal(1);
  });
  it("a project deleted while its video is copied leaves no copy and no crash", async () => {
    const user = await consentingUser();
    const { projectId, videoId } = await startVideo(user);
    await waitForRender(videoId);
    const ref = db().doc(`projects/${projectId}`);
    // Completed without queueing the archive: the emulator's trigger stays out of it.
    await ref.update({
      heygenStatus: "completed",
      heygenVideoId: videoId,
      "video.state": "completed",
    });
    const real = heygenClientFor(testContext());
    const deletingClient = Object.assign(Object.create(real) as typeof real, {
      async getVideo(id: string) {
        const details = await real.getVideo(id);
        await ref.delete(); // the owner deletes the project mid-copy
        return details;
      },
    });
    const outcome = await archiveVideo(testContext(), projectId, { client: deletingClient });
    expect(outcome).to.equal("skipped");
    expect((await ref.get()).exists).to.equal(false);
    const [left] = await bucket().file(`videos/${user.uid}/${projectId}.mp4`).exists();
    expect(left).to.equal(false);
  });

  it("DELETE /api/projects/{id} removes the project, its archived MP4 and its video at HeyGen; others get 404", async () => {
    const user = await consentingUser();
    const { projectId, videoId } = await completedVideo(user);
    expect((await status(user, videoId)).body.status).to.equal("completed");
    const done = await waitForDoc(
      db().doc(`projects/${projectId}`),
      (d) => d?.archive?.state === "done",
      30000,
    );
    const archived = bucket().file(done?.archivedVideoPath as string);
    expect((await archived.exists())[0]).to.equal(true);
    expect(heygenSim().model.videos.has(videoId)).to.equal(true);

    const stranger = await consentingUser();
    const refused = await callFunction("projects", `/api/projects/${projectId}`, {
      method: "DELETE",
      token: stranger.idToken,
    });
    expect(refused.status).to.equal(404);
    expect(heygenSim().model.videos.has(videoId)).to.equal(true);

    const res = await callFunction<{ projectId: string; removed: { storage: string[] } }>(
      "projects",
      `/api/projects/${projectId}`,
      { method: "DELETE", token: user.idToken },
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    // The copy and the speech timeline every archived voice gets (no captions: no words).
    expect(res.body.removed.storage).to.deep.equal([
      done?.archivedVideoPath,
      `${done?.archivedVideoPath}.timeline.json`,
    ]);
    expect((await db().doc(`projects/${projectId}`).get()).exists).to.equal(false);
    expect(heygenSim().model.videos.has(videoId)).to.equal(false);
    expect(
      heygenSim().calls.some((c) => c.method === "DELETE" && c.path === `/v3/videos/${videoId}`),
    ).to.equal(true);
    expect((await archived.exists())[0]).to.equal(false);
  });
});
