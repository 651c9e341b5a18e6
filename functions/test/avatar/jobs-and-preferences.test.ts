import { expect } from "chai";
import { readFileSync } from "node:fs";
import { functionUrl } from "../helpers/env";
import { callFunction } from "../helpers/http";
import { createUser, type TestUser } from "../helpers/auth";
import { db } from "../helpers/admin";
import { storedAsset } from "../helpers/avatar";
import { consentingUser, grantConsent, POLICY_VERSION } from "../helpers/consent";
import { bucket } from "../helpers/storage";
import { photoJpeg, photoPng, voiceWebm } from "../fixtures/media";
import { useStack } from "../helpers/use-stack";

async function postJob(
  user: TestUser,
  file: Buffer | null,
  opts: { options?: string; type?: string; name?: string } = {},
) {
  const form = new FormData();
  if (file)
    form.append(
      "file",
      new Blob([file], { type: opts.type ?? "image/jpeg" }),
      opts.name ?? "selfie.jpg",
    );
  if (opts.options !== undefined) form.append("options", opts.options);
  const res = await fetch(functionUrl("avatar_jobs", "/avatar/jobs"), {
    method: "POST",
    headers: { Authorization: `Bearer ${user.idToken}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("photoreal jobs API (POST /avatar/jobs, GET /avatar/jobs/:jobId)", function () {
  this.timeout(30000);
  useStack({ servers: ["storage"], provider: "avatar-sdk", fresh: { firestore: true } });

  it("queues a job for a consenting user: selfie in a server-only path, job queued at progress 0", async () => {
    const user = await consentingUser();
    const res = await postJob(user, readFileSync(await photoJpeg()), {
      options: JSON.stringify({ output: "glb", blendshapes: "arkit", realism: "high" }),
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const jobId = res.body.jobId as string;
    const job = (await db().doc(`avatar_jobs/${jobId}`).get()).data();
    expect(job).to.include({ user_id: user.uid, provider: "avatar-sdk" });
    // The emulator's create trigger may claim it at any moment (queued → processing,
    // attempt 1, progress 0.05 once submitted): both states are right, nothing else is.
    const claimed = job?.status === "processing";
    expect(job?.status).to.be.oneOf(["queued", "processing"]);
    expect(job?.attempts).to.equal(claimed ? 1 : 0);
    expect(job?.progress).to.be.oneOf(claimed ? [0, 0.05] : [0]);
    // Avatar SDK jobs keep the body type they were made with (no preferences: the default).
    expect(job?.options).to.deep.equal({
      output: "glb",
      blendshapes: "arkit",
      realism: "high",
      bodyType: "female",
    });
    const [exists] = await bucket().file(`selfies/${user.uid}/${jobId}.jpg`).exists();
    expect(exists).to.equal(true);

    const status = await callFunction<{ status: string; progress: number }>(
      "avatar_jobs",
      `/avatar/jobs/${jobId}`,
      {
        token: user.idToken,
      },
    );
    expect(status.status).to.equal(200);
    expect(status.body).to.have.all.keys("status", "progress");
    expect(status.body.status).to.be.oneOf(["queued", "processing"]);
    expect(status.body.progress).to.be.oneOf([0, 0.05]);
    const other = await createUser();
    const hidden = await callFunction("avatar_jobs", `/avatar/jobs/${jobId}`, {
      token: other.idToken,
    });
    expect(hidden.status).to.equal(404);
  });

  it("accepts a PNG and applies option defaults", async () => {
    const user = await consentingUser();
    const res = await postJob(user, readFileSync(await photoPng()), {
      type: "image/png",
      name: "me.png",
    });
    expect(res.status).to.equal(202);
    const job = (await db().doc(`avatar_jobs/${res.body.jobId}`).get()).data();
    // Avatar SDK jobs keep the body type they were made with (no preferences: the default).
    expect(job?.options).to.deep.equal({
      output: "glb",
      blendshapes: "arkit",
      realism: "high",
      bodyType: "female",
    });
    expect(job?.selfie_path).to.match(/\.png$/);
  });

  it("requires server-recorded consent to avatar_3d: 403 CONSENT_REQUIRED, nothing stored", async () => {
    const user = await createUser();
    const none = await postJob(user, readFileSync(await photoJpeg()));
    expect(none.status).to.equal(403);
    expect(none.body).to.deep.include({
      error: "CONSENT_REQUIRED",
      details: { missing: ["avatar_3d"], policyVersion: POLICY_VERSION },
    });
    // The old client booleans no longer count, and neither do the other purposes.
    await db().doc(`users/${user.uid}`).set({ age_confirmed: true, consent_selfie: true });
    await grantConsent(user, ["heygen_face", "heygen_voice"]);
    expect((await postJob(user, readFileSync(await photoJpeg()))).status).to.equal(403);
    expect((await db().collection("avatar_jobs").get()).size).to.equal(0);
    const [files] = await bucket().getFiles({ prefix: `selfies/${user.uid}/` });
    expect(files).to.have.length(0);
  });

  it("rejects a file disguised as a JPEG with 415", async () => {
    const user = await consentingUser();
    const res = await postJob(user, readFileSync(await voiceWebm()), {
      type: "image/jpeg",
      name: "selfie.jpg",
    });
    expect(res.status).to.equal(415);
    expect(res.body.error).to.equal("UNSUPPORTED_MEDIA");
  });

  it("rejects a selfie over 10 MB with 413", async () => {
    const user = await consentingUser();
    const big = Buffer.alloc(11 * 1024 * 1024, 1);
    readFileSync(await photoJpeg()).copy(big);
    const res = await postJob(user, big);
    expect(res.status).to.equal(413);
    expect(res.body.error).to.equal("PAYLOAD_TOO_LARGE");
  });

  it("validates options and requires the file part", async () => {
    const user = await consentingUser();
    const bad = await postJob(user, readFileSync(await photoJpeg()), {
      options: JSON.stringify({ output: "fbx" }),
    });
    expect(bad.status).to.equal(400);
    expect(JSON.stringify(bad.body.details)).to.contain("output");
    const notJson = await postJob(user, readFileSync(await photoJpeg()), { options: "{nope" });
    expect(notJson.status).to.equal(400);
    const noFile = await postJob(user, null, { options: "{}" });
    expect(noFile.status).to.equal(400);
    expect((await db().collection("avatar_jobs").get()).size).to.equal(0);
  });
});

describe("avatar preferences (POST/GET /avatar/preferences)", function () {
  this.timeout(30000);
  useStack({ fresh: { firestore: true } });

  const prefs = (assetId: string) => ({
    assetId,
    appearance: { hairColor: "#223344", glasses: true },
    voice: { pitch: -0.1, speed: 0.1, language: "de-DE" },
    persona: { name: "Mia", traits: { warmth: 0.8, humor: 0.4 } },
  });
  const post = (user: TestUser, body: unknown) =>
    callFunction<Record<string, unknown>>("avatar_preferences", "/avatar/preferences", {
      method: "POST",
      token: user.idToken,
      body,
    });

  it("stores one preferences document per asset, updated in place, for the asset's owner", async () => {
    const user = await createUser();
    await db().doc("avatar_assets/a1").set(storedAsset(user.uid, "a1"));
    const first = await post(user, prefs("a1"));
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body).to.deep.equal({ ok: true });
    const created = (await db().doc("preferences/a1").get()).data();
    expect(created).to.include({ user_id: user.uid, asset_id: "a1" });

    await new Promise((r) => setTimeout(r, 20));
    const second = await post(user, {
      ...prefs("a1"),
      voice: { pitch: 0.2, speed: -0.1, language: "en-US" },
    });
    expect(second.status).to.equal(200);
    const updated = (await db().doc("preferences/a1").get()).data();
    expect(updated?.created_at.isEqual(created?.created_at)).to.equal(true);
    expect(updated?.updated_at.toMillis()).to.be.greaterThan(created?.updated_at.toMillis());
    expect((await db().collection("preferences").get()).size).to.equal(1);

    const got = await callFunction<Record<string, unknown>>(
      "avatar_preferences",
      "/avatar/preferences?assetId=a1",
      {
        token: user.idToken,
      },
    );
    expect(got.status).to.equal(200);
    expect(got.body.voice).to.deep.equal({ pitch: 0.2, speed: -0.1, language: "en-US" });
    expect(got.body.persona).to.deep.equal({ name: "Mia", traits: { warmth: 0.8, humor: 0.4 } });
  });

  it("hides other users' assets and preferences (404)", async () => {
    const owner = await createUser();
    const other = await createUser();
    await db().doc("avatar_assets/a2").set(storedAsset(owner.uid, "a2"));
    expect((await post(owner, prefs("a2"))).status).to.equal(200);
    expect((await post(other, prefs("a2"))).status).to.equal(404);
    const read = await callFunction("avatar_preferences", "/avatar/preferences?assetId=a2", {
      token: other.idToken,
    });
    expect(read.status).to.equal(404);
    expect((await db().doc("preferences/a2").get()).get("user_id")).to.equal(owner.uid);
  });

  for (const [label, patch, field] of [
    ["pitch out of range", { voice: { pitch: 1.5, speed: 0, language: "en-US" } }, "voice.pitch"],
    ["unknown language", { voice: { pitch: 0, speed: 0, language: "xx-XX" } }, "voice.language"],
    ["unknown appearance key", { appearance: { tattoo: "#000000" } }, "appearance"],
    ["bad colour", { appearance: { hairColor: "red" } }, "appearance.hairColor"],
    ["trait above 1", { persona: { traits: { warmth: 1.5 } } }, "persona.traits.warmth"],
  ] as const) {
    it(`rejects ${label} with 400 naming ${field}`, async () => {
      const user = await createUser();
      await db().doc("avatar_assets/a3").set(storedAsset(user.uid, "a3"));
      const res = await post(user, { ...prefs("a3"), ...patch });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.equal("INVALID_REQUEST");
      expect(JSON.stringify(res.body.details)).to.contain(field.split(".").pop());
      expect((await db().doc("preferences/a3").get()).exists).to.equal(false);
    });
  }
});
