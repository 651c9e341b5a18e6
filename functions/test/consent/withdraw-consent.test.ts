/**
 * Withdrawal (DELETE /api/me/consent/{purpose}) through the emulators and the
 * simulators: pending work ends `cancelled` with no further upstream call, and the
 * purpose's inputs are gone in Storage, at HeyGen and at the provider.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { callFunction } from "../helpers/http";
import { createUser, type TestUser } from "../helpers/auth";
import { waitForDoc } from "../helpers/firestore";
import { db } from "../helpers/admin";
import { bucket, uploadFile } from "../helpers/storage";
import { testContext } from "../helpers/context";
import { consentingUser, grantConsentToUid } from "../helpers/consent";
import { postJob, sweepUntilTerminal } from "../helpers/avatar";
import { functionUrl } from "../helpers/env";
import { avatarSdkSim, heygenSim } from "../helpers/servers";
import { photoJpeg, voiceWebm } from "../fixtures/media";
import { advanceAvatarJobs } from "../../src/services/avatar/advance-jobs";
import { pollHeygenVideos } from "../../src/services/heygen/poll-videos";
import { generateVideo } from "../../src/services/heygen/generate-video";
import { withdrawConsent } from "../../src/services/consent/withdraw-consent";
import type { RemovalReport } from "../../src/services/privacy/removal-report";
import { deliverWebhook } from "../helpers/webhook";
import { useStack } from "../helpers/use-stack";

interface Withdrawal {
  purpose: string;
  withdrawnAt: string;
  removed: RemovalReport;
}

const withdraw = (user: TestUser, purpose: string) =>
  callFunction<Withdrawal & { error?: string }>("me", `/api/me/consent/${purpose}`, {
    method: "DELETE",
    token: user.idToken,
  });

async function projectWithMedia(uid: string, variant: number): Promise<string> {
  const id = `p-${randomUUID().slice(0, 8)}`;
  await db()
    .doc(`projects/${id}`)
    .set({
      userId: uid,
      name: "withdrawal",
      voiceUrl: await uploadFile(await voiceWebm(), `users/${uid}/${id}.webm`, "audio/webm"),
      avatarUrl: await uploadFile(await photoJpeg(variant), `users/${uid}/${id}.jpg`, "image/jpeg"),
    });
  return id;
}

const exists = async (path: string) => (await bucket().file(path).exists())[0];

/** The user's HeyGen objects, from our own records (the simulator holds every test's). */
async function heygenObjects(uid: string) {
  const looks = await db().collection(`users/${uid}/heygenAvatarGroups`).get();
  const assets = await db().collection(`users/${uid}/heygen_assets`).get();
  const of = (kind: string) =>
    assets.docs.filter((d) => d.get("kind") === kind).map((d) => d.id as string);
  return {
    lookId: looks.docs[0]?.get("talking_photo_id") as string,
    groupId: looks.docs[0]?.get("avatar_group_id") as string,
    images: of("image"),
    audio: of("audio"),
  };
}

describe("consent withdrawal (DELETE /api/me/consent/{purpose})", function () {
  this.timeout(60000);
  useStack({
    servers: ["storage", "heygen"],
    provider: "avatar-sdk",
    fresh: { firestore: true, heygen: { timings: { videoProcessingMs: 5000 } }, provider: true },
  });

  it("heygen_face: the rendering video ends cancelled and is deleted at HeyGen; look, group and photo asset are gone upstream; the photo is gone from Storage; the voice stays", async () => {
    const user = await consentingUser();
    const projectId = await projectWithMedia(user.uid, 7);
    const gen = await callFunction<{ videoId: string }>("generate", "/api/heygen/generate", {
      method: "POST",
      token: user.idToken,
      body: { projectId },
    });
    expect(gen.status, JSON.stringify(gen.body)).to.equal(200);
    const sim = heygenSim().model;
    const mine = await heygenObjects(user.uid);
    const look = { id: mine.lookId, groupId: mine.groupId };
    expect(mine.images).to.have.length(1);
    expect(mine.audio).to.have.length(1);
    const imageAsset = mine.images[0];
    expect(sim.looks.get(look.id)?.imageAssetId).to.equal(imageAsset);

    const res = await withdraw(user, "heygen_face");
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.purpose).to.equal("heygen_face");
    expect(Date.parse(res.body.withdrawnAt)).to.be.greaterThan(0);
    const removed = res.body.removed;
    expect(removed.cancelled.videos).to.deep.equal([projectId]);
    const outcomes = removed.upstream.map((u) => `${u.kind}:${u.id}:${u.outcome}`).sort();
    expect(outcomes).to.deep.equal(
      [
        `video:${gen.body.videoId}:deleted`,
        `look:${look.id}:deleted`,
        `group:${look.groupId}:deleted`,
        `asset:${imageAsset}:deleted`,
      ].sort(),
    );
    expect(removed.storage).to.deep.equal([`users/${user.uid}/${projectId}.jpg`]);

    // Gone upstream; the voice's asset and file are untouched.
    expect(sim.videos.has(gen.body.videoId)).to.equal(false);
    expect(sim.looks.has(look.id)).to.equal(false);
    expect(sim.groups.has(look.groupId)).to.equal(false);
    expect(sim.assets.has(imageAsset)).to.equal(false);
    expect(sim.assets.has(mine.audio[0])).to.equal(true);
    expect(await exists(`users/${user.uid}/${projectId}.jpg`)).to.equal(false);
    expect(await exists(`users/${user.uid}/${projectId}.webm`)).to.equal(true);
    expect((await db().collection(`users/${user.uid}/heygenAvatarGroups`).get()).size).to.equal(0);

    const project = (await db().doc(`projects/${projectId}`).get()).data();
    expect(project?.heygenStatus).to.equal("cancelled");
    expect(project?.error).to.deep.equal({
      code: "CONSENT_WITHDRAWN",
      message: "Cancelled: consent to heygen_face was withdrawn.",
    });

    // Nothing follows the cancelled video any more: no poll, no status call upstream.
    heygenSim().reset();
    const report = await pollHeygenVideos(testContext(), { budgetMs: 10000 });
    expect(report.checked).to.equal(0);
    const status = await callFunction<{ status: string }>(
      "video_status",
      `/api/heygen/video_status.get?video_id=${gen.body.videoId}`,
      { token: user.idToken },
    );
    expect(status.body.status).to.equal("cancelled");
    // A late "success" event for the cancelled video creates nothing and asks HeyGen nothing.
    const event = JSON.stringify({
      event_type: "avatar_video.success",
      event_data: { video_id: gen.body.videoId, callback_id: projectId, url: "https://x.invalid" },
    });
    const late = await deliverWebhook(event);
    expect(late.status).to.equal(200);
    const after = (await db().doc(`projects/${projectId}`).get()).data();
    expect(after?.heygenStatus).to.equal("cancelled");
    expect(after?.archive ?? null).to.equal(null);
    // The owner sees it failed, with the reason (the page shows the server's step).
    expect(after?.step).to.equal("failed");
    expect(after?.error?.code).to.equal("CONSENT_WITHDRAWN");
    expect(heygenSim().calls).to.deep.equal([]);

    // The account shows the withdrawal; a new generate with the photo is refused upstream-free.
    const me = await callFunction<{ consent: Record<string, { granted: boolean }> }>(
      "me",
      "/api/me",
      { token: user.idToken },
    );
    expect(me.body.consent.heygen_face.granted).to.equal(false);
    expect(me.body.consent.heygen_voice.granted).to.equal(true);
    const again = await callFunction<{ error: string }>("generate", "/api/heygen/generate", {
      method: "POST",
      token: user.idToken,
      body: { projectId: await projectWithMedia(user.uid, 8) },
    });
    expect(again.status).to.equal(403);
    expect(heygenSim().calls).to.deep.equal([]);

    const log = await db()
      .collection(`users/${user.uid}/consent_log`)
      .where("action", "==", "withdraw")
      .get();
    expect(log.size).to.equal(1);
    expect(log.docs[0].get("removed")).to.deep.equal(removed);
  });

  it("heygen_voice: the audio asset is deleted at HeyGen and the recording in Storage; the photo stays", async () => {
    const user = await consentingUser();
    const projectId = await projectWithMedia(user.uid, 9);
    const gen = await callFunction<{ videoId: string }>("generate", "/api/heygen/generate", {
      method: "POST",
      token: user.idToken,
      body: { projectId },
    });
    expect(gen.status).to.equal(200);
    const sim = heygenSim().model;
    const mine = await heygenObjects(user.uid);
    const audio = sim.assets.get(mine.audio[0]);
    expect(audio).to.not.equal(undefined);
    const res = await withdraw(user, "heygen_voice");
    expect(res.status).to.equal(200);
    expect(res.body.removed.cancelled.videos).to.deep.equal([projectId]);
    expect(res.body.removed.upstream).to.deep.include({
      system: "heygen",
      kind: "asset",
      id: audio?.id,
      outcome: "deleted",
    });
    expect(sim.assets.has(audio?.id as string)).to.equal(false);
    expect(await exists(`users/${user.uid}/${projectId}.webm`)).to.equal(false);
    expect(await exists(`users/${user.uid}/${projectId}.jpg`)).to.equal(true);
    expect(sim.looks.has(mine.lookId)).to.equal(true);
  });

  it("heygen_face on the legacy v2 API: looks, groups and assets are reported not deletable upstream, without a call", async () => {
    const app = testContext({ apiVersion: "v2", fallback: "" });
    const uid = `v2w-${randomUUID().slice(0, 6)}`;
    await grantConsentToUid(uid);
    await generateVideo(app, uid, { projectId: await projectWithMedia(uid, 10) });
    heygenSim().reset();
    const result = await withdrawConsent(app, uid, "heygen_face");
    const kinds = result.removed.upstream.map((u) => `${u.kind}:${u.outcome}`).sort();
    expect(kinds).to.deep.equal(
      [
        "asset:not_deletable",
        "group:not_deletable",
        "look:not_deletable",
        "video:not_deletable",
      ].sort(),
    );
    expect(result.removed.upstream[0].reason).to.match(/v2/);
    expect(heygenSim().calls).to.deep.equal([]);
    expect((await db().collection(`users/${uid}/heygenAvatarGroups`).get()).size).to.equal(0);
  });

  it("avatar_3d: the queued job ends cancelled with no provider call, the finished job's provider avatar is deleted, the selfies are gone, the GLB stays", async () => {
    const user = await consentingUser(["avatar_3d"]);
    const doneJob = await postJob(user);
    await sweepUntilTerminal(doneJob);
    const done = (await db().doc(`avatar_jobs/${doneJob}`).get()).data();
    expect(done?.status).to.equal("done");
    const code = String(done?.provider_job_id).split("/")[1];
    expect(avatarSdkSim().avatars.has(code)).to.equal(true);

    // A second job waits in the queue: the provider answered its submission with 429.
    avatarSdkSim().faults.push({
      path: "^/avatars/$",
      status: 429,
      times: 1,
      retryAfterSeconds: 5,
    });
    const form = new FormData();
    form.append(
      "file",
      new Blob([readFileSync(await photoJpeg(4))], { type: "image/jpeg" }),
      "selfie.jpg",
    );
    const posted = await fetch(functionUrl("avatar_jobs", "/avatar/jobs"), {
      method: "POST",
      headers: { Authorization: `Bearer ${user.idToken}` },
      body: form,
    });
    const queuedJob = ((await posted.json()) as { jobId: string }).jobId;
    await waitForDoc(
      db().doc(`avatar_jobs/${queuedJob}`),
      // Requeued after the 429: claimed once, queued again.
      (d) => d?.status === "queued" && d?.attempts === 1,
    );
    const queuedSelfie = (await db().doc(`avatar_jobs/${queuedJob}`).get()).get("selfie_path");

    const res = await withdraw(user, "avatar_3d");
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.removed.cancelled.avatarJobs).to.deep.equal([queuedJob]);
    expect(res.body.removed.upstream).to.deep.equal([
      { system: "avatar-sdk", kind: "avatar", id: done?.provider_job_id, outcome: "deleted" },
    ]);
    expect(res.body.removed.storage).to.deep.equal([queuedSelfie]);
    expect(avatarSdkSim().avatars.has(code)).to.equal(false);
    expect(await exists(queuedSelfie)).to.equal(false);
    expect(await exists(`avatars/${doneJob}/model.glb`)).to.equal(true);
    expect((await db().doc(`avatar_jobs/${queuedJob}`).get()).get("status")).to.equal("cancelled");

    const callsBefore = avatarSdkSim().calls.length;
    const later = { now: () => new Date(Date.now() + 10 * 60_000) };
    await advanceAvatarJobs(testContext({ clock: later }), { budgetMs: 10000 });
    expect(avatarSdkSim().calls.slice(callsBefore)).to.deep.equal([]);

    // Withdrawing again is harmless: nothing left to cancel or delete.
    const again = await withdraw(user, "avatar_3d");
    expect(again.status).to.equal(200);
    expect(again.body.removed).to.deep.equal({
      cancelled: { avatarJobs: [], videos: [] },
      storage: [],
      firestore: [],
      upstream: [],
    });
  });

  it("refuses an unknown purpose with 400 and an anonymous caller with 401", async () => {
    const user = await createUser();
    const bad = await withdraw(user, "selfie");
    expect(bad.status).to.equal(400);
    expect(bad.body.error).to.equal("INVALID_REQUEST");
    const anon = await callFunction("me", "/api/me/consent/avatar_3d", { method: "DELETE" });
    expect(anon.status).to.equal(401);
  });
});
