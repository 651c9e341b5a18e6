/**
 * Account erasure (DELETE /api/me, the Auth onDelete trigger, advance_erasures)
 * through the emulators and the simulators: nothing of the user is left in the
 * simulators, Storage, Firestore or Auth; another user's data is untouched; an
 * interrupted erasure resumes; a late webhook creates nothing.
 */
import { expect } from "chai";
import { Timestamp } from "firebase-admin/firestore";
import { callFunction } from "../helpers/http";
import { createUser, type TestUser } from "../helpers/auth";
import { waitForDoc } from "../helpers/firestore";
import { adminAuth, db } from "../helpers/admin";
import { uploadFile } from "../helpers/storage";
import { testContext } from "../helpers/context";
import { consentingUser } from "../helpers/consent";
import { postJob, sweepUntilTerminal } from "../helpers/avatar";
import { waitForRender } from "../helpers/videos";
import { avatarSdkSim, heygenSim, TEST_HEYGEN_TIMINGS } from "../helpers/servers";
import { photoJpeg } from "../fixtures/media";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { advanceErasures, requestErasure } from "../../src/services/privacy/erasure";
import { erasureIdFor } from "../../src/store/erasures";
import { projectWithVoice } from "../helpers/projects";
import { deliverWebhook } from "../helpers/webhook";
import { footprint } from "../helpers/footprint";
import { useStack } from "../helpers/use-stack";

const project = (uid: string, photo: number | null) => projectWithVoice(uid, photo, "erasure");

async function generate(user: TestUser, projectId: string): Promise<string> {
  const res = await callFunction<{ videoId: string }>("generate", "/api/heygen/generate", {
    method: "POST",
    token: user.idToken,
    body: { projectId },
  });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body.videoId;
}

describe("account erasure", function () {
  this.timeout(180000);
  useStack({
    servers: ["storage", "heygen"],
    provider: "avatar-sdk",
    fresh: { firestore: true, heygen: true, provider: true },
  });

  it("DELETE /api/me: nothing of the user is left at HeyGen (v3), the provider, Storage, Firestore or Auth; v2 objects are reported; another user is untouched", async () => {
    const user = await consentingUser();
    const other = await consentingUser();
    // v3 video from a photo look, archived.
    const v3Project = await project(user.uid, 15);
    const v3Video = await generate(user, v3Project);
    await waitForRender(v3Video);
    await callFunction("video_status", `/api/heygen/video_status.get?video_id=${v3Video}`, {
      token: user.idToken,
    });
    await waitForDoc(db().doc(`projects/${v3Project}`), (d) => d?.archive?.state === "done", 30000);
    // A v2 video (legacy API) for the same user.
    await generateVideo(testContext({ apiVersion: "v2", fallback: "" }), user.uid, {
      projectId: await project(user.uid, 16),
    });
    // A 3D avatar at the provider, with its GLB and preferences.
    const jobId = await postJob(user);
    await sweepUntilTerminal(jobId);
    const job = (await db().doc(`avatar_jobs/${jobId}`).get()).data();
    expect(job?.status).to.equal("done");
    await callFunction("avatar_preferences", "/avatar/preferences", {
      method: "POST",
      token: user.idToken,
      body: { assetId: jobId, appearance: {}, persona: { name: "Me" } },
    });
    // The other user's data.
    const otherVideo = await generate(other, await project(other.uid, 17));
    const before = await footprint(user.uid);
    const otherBefore = await footprint(other.uid);
    const v3Looks = before.looks.filter((l) => l.get("apiVersion") === "v3");
    const v3Assets = before.heygenAssets.filter((a) => a.get("apiVersion") === "v3");
    expect(v3Looks).to.have.length(1);
    expect(v3Assets.length).to.equal(2);
    // The v3 video's photo and recording went when it completed (retention); its archive,
    // the GLB and the v2 project's inputs are there.
    expect(before.files).to.include.members([
      `videos/${user.uid}/${v3Project}.mp4`,
      `avatars/${jobId}/model.glb`,
    ]);
    expect(before.files.length).to.be.at.least(4);

    const res = await callFunction<{ erasureId: string }>("me", "/api/me", {
      method: "DELETE",
      token: user.idToken,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    expect(res.body.erasureId).to.equal(erasureIdFor(user.uid));

    const sim = heygenSim().model;
    expect(sim.videos.has(v3Video)).to.equal(false);
    expect(sim.looks.has(v3Looks[0].get("talking_photo_id"))).to.equal(false);
    expect(sim.groups.has(v3Looks[0].get("avatar_group_id"))).to.equal(false);
    for (const a of v3Assets) expect(sim.assets.has(a.id)).to.equal(false);
    const code = String(job?.provider_job_id).split("/")[1];
    expect(avatarSdkSim().avatars.has(code)).to.equal(false);

    const after = await footprint(user.uid);
    expect(after).to.deep.include({
      projects: [],
      jobs: [],
      assets: [],
      prefs: [],
      looks: [],
      heygenAssets: [],
      files: [],
      userDoc: false,
    });
    const gone = await adminAuth()
      .getUser(user.uid)
      .catch((e: { code: string }) => e.code);
    expect(gone).to.equal("auth/user-not-found");

    // The tombstone: hashed id, counts per system, no uid.
    const tomb = (
      await db()
        .doc(`erasures/${erasureIdFor(user.uid)}`)
        .get()
    ).data();
    expect(tomb?.erasure.state).to.equal("done");
    expect(tomb).to.not.have.property("uid");
    expect(JSON.stringify(tomb)).to.not.contain(user.uid);
    expect(tomb?.counts.heygen.video.deleted).to.be.greaterThan(0);
    expect(tomb?.counts.heygen.video.not_deletable).to.equal(1); // the v2 video
    expect(tomb?.counts.heygen.look.not_deletable).to.equal(1); // the v2 talking photo
    expect(tomb?.counts.heygen.folder.not_deletable).to.equal(1); // the v2 folder
    expect(tomb?.counts["avatar-sdk"].avatar.deleted).to.equal(1);
    expect(tomb?.counts.auth.user.deleted).to.equal(1);

    // The other user is untouched.
    const otherAfter = await footprint(other.uid);
    expect(otherAfter.files).to.deep.equal(otherBefore.files);
    expect(otherAfter.projects.map((p) => p.id)).to.deep.equal(
      otherBefore.projects.map((p) => p.id),
    );
    expect(sim.videos.has(otherVideo)).to.equal(true);
    expect((await adminAuth().getUser(other.uid)).uid).to.equal(other.uid);
  });

  it("an upstream 5xx interrupts it: the erasure is recorded as retrying, readable by the user, and the scheduler completes it", async () => {
    const user = await consentingUser(["heygen_voice"]);
    const videoId = await generate(user, await project(user.uid, null));
    await waitForRender(videoId);
    heygenSim().faults.push({
      path: `^/v3/videos/${videoId}$`,
      method: "DELETE",
      kind: "status",
      status: 500,
      times: 50,
    });
    const res = await callFunction<{ erasureId: string }>("me", "/api/me", {
      method: "DELETE",
      token: user.idToken,
    });
    expect(res.status).to.equal(202);
    const status = await callFunction<{
      status: string;
      steps: Record<string, string | null>;
      lastError: string;
      nextAttemptAt: string;
    }>("me", "/api/me/erasure", { token: user.idToken });
    expect(status.status).to.equal(200);
    expect(status.body.status).to.equal("retrying");
    // The video is deleted by the consent step (still pending in our records) or the heygen step.
    expect(status.body.steps.auth).to.equal(null);
    expect(status.body.lastError).to.match(/upstream delete\(s\) failed \(heygen video\)/);
    expect(status.body.nextAttemptAt).to.be.a("string");
    expect(heygenSim().model.videos.has(videoId)).to.equal(true);

    heygenSim().faults.length = 0;
    // Not due yet: nothing happens.
    expect(await advanceErasures(testContext(), { budgetMs: 60000 })).to.deep.equal({
      done: 0,
      retrying: 0,
    });
    const later = { now: () => new Date(Date.now() + 2 * 60_000) };
    expect(await advanceErasures(testContext({ clock: later }), { budgetMs: 60000 })).to.deep.equal(
      { done: 1, retrying: 0 },
    );
    expect(heygenSim().model.videos.has(videoId)).to.equal(false);
    expect((await footprint(user.uid)).files).to.deep.equal([]);
    const gone = await adminAuth()
      .getUser(user.uid)
      .catch((e: { code: string }) => e.code);
    expect(gone).to.equal("auth/user-not-found");
  });

  it("a run that crashed between steps (its lease left behind) is resumed from the next step once the lease is over", async () => {
    const user = await consentingUser(["heygen_voice"]);
    const videoId = await generate(user, await project(user.uid, null));
    const app = testContext();
    const { erasureId } = await requestErasure(app, user.uid, "user");
    // A run that did the consent step and died holding its lease (due again when it ends).
    const until = Timestamp.fromMillis(Date.now() + 8 * 60_000);
    await db()
      .doc(`erasures/${erasureId}`)
      .update({
        "steps.consent": new Date(),
        "erasure.lease": { token: "dead-run", until },
        "erasure.nextAttemptAt": until,
        "erasure.attempts": 1,
      });
    expect(await advanceErasures(app, { budgetMs: 60000 })).to.deep.equal({
      done: 0,
      retrying: 0,
    });
    const later = { now: () => new Date(Date.now() + 10 * 60_000) };
    expect(await advanceErasures(testContext({ clock: later }), { budgetMs: 60000 })).to.deep.equal(
      { done: 1, retrying: 0 },
    );
    expect(heygenSim().model.videos.has(videoId)).to.equal(false);
    expect((await footprint(user.uid)).projects).to.deep.equal([]);
  });

  it("erasure while a video renders: the late webhook creates nothing", async () => {
    heygenSim().setTimings({ ...TEST_HEYGEN_TIMINGS, videoProcessingMs: 4000 });
    const user = await consentingUser(["heygen_voice"]);
    const projectId = await project(user.uid, null);
    const videoId = await generate(user, projectId);
    const res = await callFunction("me", "/api/me", { method: "DELETE", token: user.idToken });
    expect(res.status).to.equal(202);
    heygenSim().reset();
    const event = JSON.stringify({
      event_type: "avatar_video.success",
      event_data: { video_id: videoId, callback_id: projectId, url: "https://x.invalid" },
    });
    const late = await deliverWebhook(event);
    expect(late.status).to.equal(200);
    expect((await db().doc(`projects/${projectId}`).get()).exists).to.equal(false);
    expect(heygenSim().calls).to.deep.equal([]);
    heygenSim().setTimings(TEST_HEYGEN_TIMINGS);
  });

  it("deleting the Auth account starts the same erasure (auth.user().onDelete)", async () => {
    const user: TestUser = await createUser();
    await uploadFile(await photoJpeg(), `users/${user.uid}/me.jpg`, "image/jpeg");
    await db()
      .doc(`projects/p-${user.uid.slice(0, 6)}`)
      .set({ userId: user.uid, name: "x" });
    await adminAuth().deleteUser(user.uid);
    const tomb = await waitForDoc(
      db().doc(`erasures/${erasureIdFor(user.uid)}`),
      (d) => d?.erasure?.state === "done",
      30000,
    );
    expect(tomb?.requestedBy).to.equal("auth_delete");
    const after = await footprint(user.uid);
    expect(after.files).to.deep.equal([]);
    expect(after.projects).to.deep.equal([]);
  });
});
