/**
 * The photoreal options `blendshapes`, `realism` and `bodyType` mean something at each
 * provider (as its API defines them), or are refused with a 400 naming the field and
 * the values that provider accepts: Avatar SDK end to end (subtype from the request or
 * the user's preferences, export sets, texture profile and LOD, a visemes-only GLB),
 * Didimo end to end (pose-set flags and profile), and the refusals per provider.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import type { ProviderName } from "../../src/config";
import { ApiError } from "../../src/errors";
import { createAvatarJob } from "../../src/services/avatar/create-job";
import { callFunction } from "../helpers/http";
import { functionUrl } from "../helpers/env";
import type { TestUser } from "../helpers/auth";
import { consentingUser, sweepUntilTerminal } from "../helpers/avatar";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { avatarSdkSim } from "../helpers/servers";
import { photoJpeg } from "../fixtures/media";
import { useStack } from "../helpers/use-stack";

async function postWithOptions(user: TestUser, options: Record<string, unknown>, variant = 0) {
  const form = new FormData();
  const selfie = readFileSync(await photoJpeg(variant));
  form.append("file", new Blob([selfie], { type: "image/jpeg" }), "selfie.jpg");
  form.append("options", JSON.stringify(options));
  const res = await fetch(functionUrl("avatar_jobs", "/avatar/jobs"), {
    method: "POST",
    headers: { Authorization: `Bearer ${user.idToken}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

interface AssetMap {
  blendshapeMap: { arkit: Record<string, string>; visemes: Record<string, string> };
}

const assetMap = async (user: TestUser, assetId: string) =>
  (
    await callFunction<AssetMap>("avatar_assets", `/avatar/assets/${assetId}`, {
      token: user.idToken,
    })
  ).body.blendshapeMap;

/** The Avatar SDK avatar the job made (its code is the second half of provider_job_id). */
async function simAvatarOf(jobId: string) {
  const job = (await db().doc(`avatar_jobs/${jobId}`).get()).data();
  const code = String(job?.provider_job_id ?? "").split("/")[1];
  return avatarSdkSim().avatars.get(code);
}

describe("photoreal options at Avatar SDK (end to end)", function () {
  this.timeout(90000);
  useStack({ servers: ["storage"], provider: "avatar-sdk", fresh: { firestore: true } });

  it("the seed's options as written: ARKit + visemes, 2K textures at LOD1, the female default", async () => {
    const user = await consentingUser();
    const res = await postWithOptions(user, {
      output: "glb",
      blendshapes: "arkit",
      realism: "high",
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const jobId = res.body.jobId as string;
    const reads = await sweepUntilTerminal(jobId);
    expect(reads.at(-1)?.status).to.equal("done");
    const avatar = await simAvatarOf(jobId);
    expect(avatar).to.deep.include({
      subtype: "female",
      blendshapeSets: ["mobile_51", "visemes_15"],
      lod: "LOD1",
      textureProfile: "2K.jpg",
    });
    expect((await db().doc(`avatar_jobs/${jobId}`).get()).get("options.bodyType")).to.equal(
      "female",
    );
    const map = await assetMap(user, jobId);
    expect(map.arkit.jawOpen).to.be.a("string");
    expect(map.visemes.aa).to.equal("aa");
  });

  it("basic + standard + male: a visemes-only GLB at 1K/LOD2 with the male subtype, still done", async () => {
    const user = await consentingUser();
    const res = await postWithOptions(
      user,
      { blendshapes: "basic", realism: "standard", bodyType: "male" },
      3,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const jobId = res.body.jobId as string;
    const reads = await sweepUntilTerminal(jobId);
    expect(reads.at(-1)?.status).to.equal("done");
    expect(await simAvatarOf(jobId)).to.deep.include({
      subtype: "male",
      blendshapeSets: ["visemes_15"],
      lod: "LOD2",
      textureProfile: "1K.jpg",
    });
    const map = await assetMap(user, jobId);
    expect(map.arkit).to.deep.equal({});
    expect(Object.keys(map.visemes)).to.have.length(15);
  });

  it("without bodyType in the request, the user's latest preferences choose the subtype", async () => {
    const user = await consentingUser();
    await db()
      .doc("preferences/older")
      .set({
        user_id: user.uid,
        asset_id: "older",
        appearance: { bodyType: "female" },
        updated_at: new Date(Date.now() - 60000),
      });
    await db()
      .doc("preferences/latest")
      .set({
        user_id: user.uid,
        asset_id: "latest",
        appearance: { bodyType: "male" },
        updated_at: new Date(),
      });
    const res = await postWithOptions(user, { output: "glb" }, 4);
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const jobId = res.body.jobId as string;
    const job = (await db().doc(`avatar_jobs/${jobId}`).get()).data();
    expect(job?.options).to.deep.equal({
      output: "glb",
      blendshapes: "arkit",
      realism: "high",
      bodyType: "male",
    });
    const reads = await sweepUntilTerminal(jobId);
    expect(reads.at(-1)?.status).to.equal("done");
    expect((await simAvatarOf(jobId))?.subtype).to.equal("male");
  });

  it("an unknown option value is a 400 naming the field, and nothing is stored", async () => {
    const user = await consentingUser();
    for (const [options, field] of [
      [{ realism: "ultra" }, "realism"],
      [{ bodyType: "child" }, "bodyType"],
      [{ blendshapes: "all" }, "blendshapes"],
    ] as const) {
      const res = await postWithOptions(user, options);
      expect(res.status).to.equal(400);
      expect(JSON.stringify(res.body.details)).to.contain(field);
    }
    expect((await db().collection("avatar_jobs").get()).size).to.equal(0);
  });
});

describe("photoreal options a provider cannot honour: 400 naming the field and its accepted values", function () {
  this.timeout(30000);
  useStack({ servers: ["storage"], fresh: { firestore: true } });

  const asProvider = (name: ProviderName) => {
    const app = testContext();
    return { ...app, config: { ...app.config, provider: { ...app.config.provider, name } } };
  };
  const create = async (provider: ProviderName, options: Record<string, unknown>) =>
    createAvatarJob(asProvider(provider), `opt-${provider}`, {
      file: {
        field: "file",
        filename: "selfie.jpg",
        declaredType: "image/jpeg",
        data: readFileSync(await photoJpeg()),
      },
      fields: { options: JSON.stringify(options) },
    }).catch((err: unknown) => err);

  for (const [provider, options, field, accepted] of [
    ["in3d", { blendshapes: "basic" }, "options.blendshapes", ["arkit"]],
    ["in3d", { realism: "standard" }, "options.realism", ["high"]],
    ["in3d", { bodyType: "male" }, "options.bodyType", []],
    ["didimo", { bodyType: "female" }, "options.bodyType", []],
  ] as const) {
    it(`${provider}: ${JSON.stringify(options)}`, async () => {
      const err = await create(provider, options);
      expect(err).to.be.instanceOf(ApiError);
      expect((err as ApiError).code).to.equal("INVALID_REQUEST");
      expect((err as ApiError).message)
        .to.contain(field)
        .and.to.contain(`PROVIDER=${provider}`);
      expect((err as ApiError).details).to.deep.equal({ field, provider, accepted });
      expect((await db().collection("avatar_jobs").get()).size).to.equal(0);
    });
  }

  it("in3d and didimo take the seed's own options (arkit, high)", async () => {
    for (const provider of ["in3d", "didimo"] as const) {
      const made = await create(provider, { output: "glb", blendshapes: "arkit", realism: "high" });
      expect(made, String(made)).to.have.property("jobId");
    }
  });
});

describe("photoreal options at Didimo (end to end): pose-set flags and profile", function () {
  this.timeout(90000);
  const { provider: sim } = useStack({
    servers: ["storage"],
    provider: "didimo",
    fresh: { firestore: true },
  });

  it("arkit/high asks for arkit + oculus_lipsync with profile standard; basic/standard for visemes + simple poses, optimized", async () => {
    const user = await consentingUser();
    const full = await postWithOptions(user, { blendshapes: "arkit", realism: "high" }, 5);
    const basic = await postWithOptions(user, { blendshapes: "basic", realism: "standard" }, 6);
    expect([full.status, basic.status]).to.deep.equal([202, 202]);
    for (const jobId of [full.body.jobId, basic.body.jobId] as string[])
      expect((await sweepUntilTerminal(jobId)).at(-1)?.status).to.equal("done");

    const didimoOf = async (jobId: string) =>
      sim().didimos.get((await db().doc(`avatar_jobs/${jobId}`).get()).get("provider_job_id"));
    expect(await didimoOf(full.body.jobId as string)).to.deep.include({
      features: ["arkit", "oculus_lipsync"],
      profile: "standard",
    });
    expect(await didimoOf(basic.body.jobId as string)).to.deep.include({
      features: ["oculus_lipsync", "simple_poses"],
      profile: "optimized",
    });
    // Each pose is baked into a morph target named with its ARKit name or viseme code.
    const fullMap = await assetMap(user, full.body.jobId as string);
    expect(fullMap.arkit.jawOpen).to.equal("jawOpen");
    const basicMap = await assetMap(user, basic.body.jobId as string);
    expect(basicMap.arkit).to.deep.equal({}); // ARKit poses only when asked for
    expect(basicMap.visemes.aa).to.equal("aa");
  });
});
