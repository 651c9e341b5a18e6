import { expect } from "chai";
import { callFunction } from "../helpers/http";
import { clearFirestore, waitForDoc } from "../helpers/firestore";
import { db } from "../helpers/admin";
import { bucket } from "../helpers/storage";
import { testContext } from "../helpers/context";
import { consentingUser } from "../helpers/consent";
import { postJob, sweepUntilTerminal } from "../helpers/avatar";
import { startVideo, waitForRender } from "../helpers/videos";
import { heygenSim, TEST_HEYGEN_TIMINGS, useServers } from "../helpers/servers";
import { purgeExpiredMedia } from "../../src/services/privacy/purge-expired-media";
import { useProvider } from "../helpers/stack";

const DAY = 86400000;

describe("retention: archived videos and GLBs are purged after MEDIA_RETENTION_DAYS", function () {
  this.timeout(90000);
  useServers("storage", "heygen");
  useProvider("avatar-sdk");
  beforeEach(async () => {
    await clearFirestore();
    heygenSim().reset();
    heygenSim().setTimings(TEST_HEYGEN_TIMINGS);
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
      (d) => d?.archiveState === "done",
      30000,
    );
    const retainUntil = archived?.archiveRetainUntil.toMillis() as number;
    expect(retainUntil - archived?.archivedAt.toMillis()).to.equal(90 * DAY);
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
    expect(project).to.include({ archiveState: "purged", archivedVideoPath: null });
    const glb = await callFunction<{ error: string; message: string }>(
      "avatar_assets",
      `/avatar/assets/${jobId}`,
      { token: user.idToken },
    );
    expect(glb.status).to.equal(404);
    expect(glb.body.message).to.match(/purged/);
  });
});
