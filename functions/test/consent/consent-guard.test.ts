/**
 * The consent matrix: missing, old policy version, withdrawn, underage and wrong purpose
 * are refused by generate and POST /avatar/jobs before any upload or upstream call, and
 * the trigger and the sweep check again before the selfie leaves Storage.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { callFunction } from "../helpers/http";
import { createUser, type TestUser } from "../helpers/auth";
import { waitForDoc } from "../helpers/firestore";
import { db } from "../helpers/admin";
import { bucket, uploadFile } from "../helpers/storage";
import { testContext } from "../helpers/context";
import { consentingUser, grantConsent, POLICY_VERSION } from "../helpers/consent";
import { avatarSdkSim, heygenSim } from "../helpers/servers";
import { photoJpeg, voiceWebm } from "../fixtures/media";
import { advanceAvatarJobs } from "../../src/services/avatar/advance-jobs";
import { postSelfie, storedJob } from "../helpers/avatar";
import { useStack } from "../helpers/use-stack";

async function projectWithMedia(user: TestUser): Promise<string> {
  const id = `p-${randomUUID().slice(0, 8)}`;
  await db()
    .doc(`projects/${id}`)
    .set({
      userId: user.uid,
      name: "consent",
      voiceUrl: await uploadFile(await voiceWebm(), `users/${user.uid}/${id}.webm`, "audio/webm"),
      avatarUrl: await uploadFile(await photoJpeg(3), `users/${user.uid}/${id}.jpg`, "image/jpeg"),
    });
  return id;
}

const generate = (user: TestUser, body: Record<string, unknown>) =>
  callFunction<{ error?: string; message?: string; details?: unknown; videoId?: string }>(
    "generate",
    "/api/heygen/generate",
    { method: "POST", token: user.idToken, body },
  );

/** Stores a consent record as the server would, with the given deviations. */
async function storeRecord(
  uid: string,
  purpose: string,
  record: { policyVersion?: string; minimumAgeConfirmed?: number; withdrawnAt?: Date | null },
) {
  await db()
    .doc(`users/${uid}`)
    .set(
      {
        consent: {
          [purpose]: {
            policyVersion: POLICY_VERSION,
            grantedAt: new Date(),
            minimumAgeConfirmed: 18,
            withdrawnAt: null,
            ...record,
          },
        },
      },
      { merge: true },
    );
}

describe("consent guard: generate and POST /avatar/jobs refuse before any upload or upstream call", function () {
  this.timeout(60000);
  useStack({
    servers: ["storage", "heygen"],
    provider: "avatar-sdk",
    fresh: { firestore: true, heygen: true, provider: true },
  });

  const cases: { name: string; setup: (user: TestUser) => Promise<void>; missing: string[] }[] = [
    { name: "missing", setup: async () => undefined, missing: ["heygen_voice", "heygen_face"] },
    {
      name: "old policy version",
      setup: async (u) => {
        await storeRecord(u.uid, "heygen_face", { policyVersion: "2020-01-01" });
        await storeRecord(u.uid, "heygen_voice", {});
      },
      missing: ["heygen_face"],
    },
    {
      name: "withdrawn",
      setup: async (u) => {
        await grantConsent(u, ["heygen_face", "heygen_voice"]);
        await storeRecord(u.uid, "heygen_voice", { withdrawnAt: new Date() });
      },
      missing: ["heygen_voice"],
    },
    {
      name: "underage (confirmed a lower minimum age)",
      setup: async (u) => {
        await storeRecord(u.uid, "heygen_face", { minimumAgeConfirmed: 16 });
        await storeRecord(u.uid, "heygen_voice", { minimumAgeConfirmed: 16 });
      },
      missing: ["heygen_voice", "heygen_face"],
    },
    {
      name: "wrong purpose",
      setup: async (u) => grantConsent(u, ["avatar_3d", "heygen_voice"]),
      missing: ["heygen_face"],
    },
    {
      name: "old client booleans only",
      setup: async (u) => {
        await db().doc(`users/${u.uid}`).set({ age_confirmed: true, consent_selfie: true });
      },
      missing: ["heygen_voice", "heygen_face"],
    },
  ];

  for (const c of cases) {
    it(`generate with the user's photo: ${c.name} → 403 CONSENT_REQUIRED, zero HeyGen calls, project untouched`, async () => {
      const user = await createUser();
      await c.setup(user);
      const projectId = await projectWithMedia(user);
      const before = (await db().doc(`projects/${projectId}`).get()).data();
      const res = await generate(user, { projectId });
      expect(res.status, JSON.stringify(res.body)).to.equal(403);
      expect(res.body.error).to.equal("CONSENT_REQUIRED");
      expect(res.body.details).to.deep.equal({ missing: c.missing, policyVersion: POLICY_VERSION });
      expect(res.body.message).to.contain("POST /api/me/consent");
      expect(heygenSim().calls).to.deep.equal([]);
      expect((await db().doc(`projects/${projectId}`).get()).data()).to.deep.equal(before);
    });
  }

  it("a public avatar or the fallback needs only heygen_voice; the user's own look needs heygen_face", async () => {
    const user = await consentingUser(["heygen_voice"]);
    const explicit = await generate(user, {
      projectId: await projectWithMedia(user),
      heygenAvatarId: "Tyler-incasualsuit-20220721",
    });
    expect(explicit.status, JSON.stringify(explicit.body)).to.equal(200);
    const noPhoto = `p-${randomUUID().slice(0, 8)}`;
    await db()
      .doc(`projects/${noPhoto}`)
      .set({
        userId: user.uid,
        name: "fallback",
        voiceUrl: await uploadFile(await voiceWebm(), `users/${user.uid}/fb.webm`, "audio/webm"),
      });
    expect((await generate(user, { projectId: noPhoto })).status).to.equal(200);

    await db().doc(`users/${user.uid}/heygenAvatarGroups/h1`).set({
      avatar_group_id: "g1",
      talking_photo_id: "my-own-look",
      lookStatus: "completed",
      imageHash: "h1",
      avatarUrl: "users/x.jpg",
      apiVersion: "v3",
    });
    heygenSim().reset();
    const ownLook = await generate(user, {
      projectId: await projectWithMedia(user),
      heygenAvatarId: "my-own-look",
    });
    expect(ownLook.status).to.equal(403);
    expect(ownLook.body.details).to.deep.equal({
      missing: ["heygen_face"],
      policyVersion: POLICY_VERSION,
    });
    expect(heygenSim().calls).to.deep.equal([]);
  });

  it("another user's project is still 404, before any consent answer", async () => {
    const owner = await consentingUser();
    const other = await createUser();
    const res = await generate(other, { projectId: await projectWithMedia(owner) });
    expect(res.status).to.equal(404);
  });

  for (const c of cases) {
    it(`POST /avatar/jobs: ${c.name} → 403 CONSENT_REQUIRED, no selfie stored, zero provider calls`, async () => {
      const user = await createUser();
      // The same deviations applied to avatar_3d ("wrong purpose" grants only the HeyGen ones).
      if (c.name === "wrong purpose") await grantConsent(user, ["heygen_face", "heygen_voice"]);
      else if (c.name === "old policy version")
        await storeRecord(user.uid, "avatar_3d", { policyVersion: "2020-01-01" });
      else if (c.name === "withdrawn") {
        await grantConsent(user, ["avatar_3d"]);
        await storeRecord(user.uid, "avatar_3d", { withdrawnAt: new Date() });
      } else if (c.name.startsWith("underage"))
        await storeRecord(user.uid, "avatar_3d", { minimumAgeConfirmed: 16 });
      else await c.setup(user);
      const callsBefore = avatarSdkSim().calls.length;
      const res = await postSelfie(user);
      expect(res.status).to.equal(403);
      expect(res.body).to.deep.include({
        error: "CONSENT_REQUIRED",
        details: { missing: ["avatar_3d"], policyVersion: POLICY_VERSION },
      });
      const [files] = await bucket().getFiles({ prefix: `selfies/${user.uid}/` });
      expect(files).to.deep.equal([]);
      expect((await db().collection("avatar_jobs").get()).size).to.equal(0);
      await new Promise((r) => setTimeout(r, 200));
      expect(avatarSdkSim().calls.length).to.equal(callsBefore);
    });
  }
});

describe("consent guard: the trigger and the sweep check again before calling the provider", function () {
  this.timeout(60000);
  useStack({
    servers: ["storage", "heygen"],
    provider: "avatar-sdk",
    fresh: { firestore: true, provider: true },
  });

  it("consent withdrawn after the job was created: the next submission cancels it, deletes the selfie, and never reaches the provider", async () => {
    const user = await consentingUser(["avatar_3d"]);
    // The provider answers 429 to the trigger's submission, so the job waits in the queue.
    avatarSdkSim().faults.push({
      path: "^/avatars/$",
      status: 429,
      times: 1,
      retryAfterSeconds: 5,
    });
    const res = await postSelfie(user);
    expect(res.status).to.equal(202);
    const jobId = res.body.jobId as string;
    const ref = db().doc(`avatar_jobs/${jobId}`);
    // Requeued after the 429: claimed once, queued again.
    await waitForDoc(ref, (d) => d?.status === "queued" && d?.attempts === 1);
    const selfie = (await ref.get()).get("selfie_path") as string;

    await storeRecord(user.uid, "avatar_3d", { withdrawnAt: new Date() });
    const callsBefore = avatarSdkSim().calls.length;
    const later = { now: () => new Date(Date.now() + 10 * 60_000) };
    const report = await advanceAvatarJobs(testContext({ clock: later }), { budgetMs: 10000 });
    expect(report.cancelled).to.equal(1);
    expect((await ref.get()).data()).to.include({ status: "cancelled" });
    expect(avatarSdkSim().calls.slice(callsBefore)).to.deep.equal([]);
    const [exists] = await bucket().file(selfie).exists();
    expect(exists).to.equal(false);

    const status = await callFunction<{ status: string; error: string }>(
      "avatar_jobs",
      `/avatar/jobs/${jobId}`,
      { token: user.idToken },
    );
    expect(status.body.status).to.equal("cancelled");
    expect(status.body.error).to.match(/consent/);
  });

  it("the onCreate trigger refuses a queued job whose owner has no consent", async () => {
    const user = await createUser();
    await storeRecord(user.uid, "avatar_3d", { withdrawnAt: new Date() });
    const jobId = `j-${randomUUID().slice(0, 8)}`;
    const selfie = await uploadFile(
      await photoJpeg(),
      `selfies/${user.uid}/${jobId}.jpg`,
      "image/jpeg",
    );
    const callsBefore = avatarSdkSim().calls.length;
    const now = new Date();
    await db()
      .doc(`avatar_jobs/${jobId}`)
      .set(storedJob({ user_id: user.uid, state: "queued", selfie_path: selfie, created: now }));
    await waitForDoc(db().doc(`avatar_jobs/${jobId}`), (d) => d?.status === "cancelled");
    expect(avatarSdkSim().calls.slice(callsBefore)).to.deep.equal([]);
    // The trigger deletes the selfie right after writing the cancellation.
    let exists = true;
    for (let i = 0; i < 50 && exists; i++) {
      [exists] = await bucket().file(selfie).exists();
      if (exists) await new Promise((r) => setTimeout(r, 100));
    }
    expect(exists).to.equal(false);
  });

  it("a processing job whose consent was withdrawn is cancelled by the sweep without asking the provider", async () => {
    const user = await createUser();
    await storeRecord(user.uid, "avatar_3d", { withdrawnAt: new Date() });
    const now = new Date();
    const ref = db().doc(`avatar_jobs/j-${randomUUID().slice(0, 8)}`);
    await ref.set(
      storedJob({
        user_id: user.uid,
        state: "processing",
        provider_job_id: "player/avatar-1",
        progress: 0.4,
        created: now,
        // Due now, as the submission leaves it (the sweep takes due jobs).
        nextAttemptAt: now,
      }),
    );
    const callsBefore = avatarSdkSim().calls.length;
    const report = await advanceAvatarJobs(testContext(), { budgetMs: 10000 });
    expect(report.cancelled).to.equal(1);
    expect((await ref.get()).get("status")).to.equal("cancelled");
    expect(avatarSdkSim().calls.slice(callsBefore)).to.deep.equal([]);
  });
});
