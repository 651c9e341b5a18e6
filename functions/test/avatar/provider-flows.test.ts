/**
 * in3D and Didimo end to end through the emulators, like the Avatar SDK pipeline suite:
 * the emulated functions are redeployed with PROVIDER (and its base URL and key)
 * pointing at that provider's simulator, then POST /avatar/jobs → onCreate trigger →
 * scheduled sweep → done → the asset's signed URL downloads the stored GLB.
 */
import { expect } from "chai";
import { advanceAvatarJobs } from "../../src/services/avatar/advance-jobs";
import { inspectGlb } from "../../src/services/avatar/glb";
import {
  buildBlendshapeMap,
  ARKIT_BLENDSHAPES,
  VISEMES,
} from "../../src/services/avatar/blendshapes";
import { callFunction } from "../helpers/http";
import { createUser, type TestUser } from "../helpers/auth";
import { consentingUser, postJob, storedJob, sweepUntilTerminal } from "../helpers/avatar";
import { waitForDoc } from "../helpers/firestore";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { bucket } from "../helpers/storage";
import { avatarSdkSim } from "../helpers/servers";
import { useStack } from "../helpers/use-stack";

interface AssetBody {
  url: string;
  expiresIn: number;
  blendshapeMap: {
    arkit: Record<string, string>;
    visemes: Record<string, string>;
    missing: { arkit: string[]; visemes: string[] };
  };
  visemes: Record<string, Record<string, number>>;
}

async function downloadAsset(user: TestUser, assetId: string) {
  const asset = await callFunction<AssetBody>("avatar_assets", `/avatar/assets/${assetId}`, {
    token: user.idToken,
  });
  expect(asset.status).to.equal(200);
  expect(asset.body.expiresIn).to.equal(3600);
  const res = await fetch(asset.body.url);
  expect(res.status).to.equal(200);
  const glb = new Uint8Array(await res.arrayBuffer());
  return { body: asset.body, glb, inspection: await inspectGlb(glb) };
}

async function expectFinished(user: TestUser, jobId: string, provider: string) {
  const job = await callFunction("avatar_jobs", `/avatar/jobs/${jobId}`, { token: user.idToken });
  expect(job.body).to.deep.equal({ status: "done", progress: 1, assetId: jobId });
  expect((await db().doc(`avatar_assets/${jobId}`).get()).get("provider")).to.equal(provider);
  const [selfieLeft] = await bucket().file(`selfies/${user.uid}/${jobId}.jpg`).exists();
  expect(selfieLeft).to.equal(false);
}

describe("in3D end to end: POST → trigger → scanner link → scan → GLB", function () {
  this.timeout(90000);
  const { provider: sim } = useStack({
    servers: ["storage"],
    provider: "in3d",
    fresh: { firestore: true },
  });

  it("shows the owner the scanner link, waits for the scan, then serves the GLB", async () => {
    const user = await consentingUser();
    const jobId = await postJob(user);
    const submitted = await waitForDoc(db().doc(`avatar_jobs/${jobId}`), (d) =>
      Boolean(d?.provider_job_id),
    );
    expect(submitted).to.include({ provider: "in3d", status: "processing" });

    // Nobody has scanned yet: the sweep keeps the job waiting, with the link for the owner.
    await advanceAvatarJobs(testContext(), { budgetMs: 10000 });
    const waiting = await callFunction<Record<string, unknown>>(
      "avatar_jobs",
      `/avatar/jobs/${jobId}`,
      { token: user.idToken },
    );
    expect(waiting.body).to.include({ status: "processing" });
    const action = waiting.body.action as { type: string; url: string; message: string };
    expect(action.type).to.equal("open_url");
    expect(action.url).to.be.a("string").and.not.equal("");
    expect(action.message).to.match(/scan/i);
    const other = await createUser();
    expect(
      (await callFunction("avatar_jobs", `/avatar/jobs/${jobId}`, { token: other.idToken })).status,
    ).to.equal(404);

    sim().scan(String(submitted?.provider_job_id));
    const reads = await sweepUntilTerminal(jobId);
    expect(reads.at(-1)?.status).to.equal("done");
    await expectFinished(user, jobId, "in3d");
    const { body, inspection } = await downloadAsset(user, jobId);
    const map = buildBlendshapeMap(inspection.targetNames);
    expect(map.arkit.jawOpen).to.be.a("string");
    expect(Object.keys(map.arkit)).to.have.length(
      ARKIT_BLENDSHAPES.length - map.missing.arkit.length,
    );
    expect(body.blendshapeMap.arkit).to.deep.equal(map.arkit);
    expect(Object.keys(body.visemes).sort()).to.deep.equal(["A", "E", "FV", "MBP", "O", "U"]);
  });
});

describe("Didimo end to end: POST → trigger → percent → zipped glTF → one GLB", function () {
  this.timeout(90000);
  useStack({ servers: ["storage"], provider: "didimo", fresh: { firestore: true } });

  it("stores a GLB with Didimo's poses baked into the 51 ARKit and 15 viseme morph targets", async () => {
    const user = await consentingUser();
    const jobId = await postJob(user, 1);
    const reads = await sweepUntilTerminal(jobId);
    const statuses = reads.map((w) => w.status).filter((s, i, a) => s !== a[i - 1]);
    expect(statuses).to.deep.equal(["processing", "done"]);
    const progress = reads.map((w) => w.progress);
    expect(progress).to.deep.equal([...progress].sort((a, b) => a - b));
    await expectFinished(user, jobId, "didimo");

    const { body, glb, inspection } = await downloadAsset(user, jobId);
    expect(Buffer.from(glb.subarray(0, 4)).toString("latin1")).to.equal("glTF");
    // Didimo's facial poses are skeletal: the adapter baked each into a morph target
    // named with its ARKit name or viseme code, on every mesh of the head.
    const arkit = ARKIT_BLENDSHAPES.filter((n) => n !== "tongueOut"); // Didimo's 51
    const visemes = VISEMES; // the 15 Oculus codes, silence included
    expect(inspection.targetNames).to.have.members([...arkit, ...visemes]);
    expect(inspection.targetNames).to.have.length(51 + 15);
    const head = inspection.meshes.find((m) => m.mesh === "ddmo_head");
    expect(head?.targetNames).to.have.length(66);
    expect(body.blendshapeMap.arkit.eyeBlinkLeft).to.equal("eyeBlinkLeft");
    expect(body.blendshapeMap.arkit.jawOpen).to.equal("jawOpen");
    expect(body.blendshapeMap.visemes.aa).to.equal("aa");
    expect(body.blendshapeMap.visemes.I).to.equal("I");
    expect(body.blendshapeMap.missing).to.deep.equal({ arkit: ["tongueOut"], visemes: [] });
    expect(body.visemes.MBP).to.deep.include({ nativeViseme: "PP" });
    const stored = await db().doc(`avatar_assets/${jobId}`).get();
    expect(stored.get("meshes")).to.deep.include({ mesh: "ddmo_head", morphTargets: 66 });
  });
});

describe("a job whose provider is no longer the configured one", function () {
  this.timeout(30000);
  useStack({ servers: ["storage"], provider: "avatar-sdk", fresh: { firestore: true } });

  it("is never asked of the new provider and ends at the deadline with a clear message", async () => {
    const user = await consentingUser();
    const now = new Date();
    const ref = db().doc("avatar_jobs/old-didimo-job");
    await ref.set(
      storedJob({
        user_id: user.uid,
        state: "processing",
        provider: "didimo",
        provider_job_id: "didimo-key-123",
        progress: 0.4,
        created: now,
      }),
    );
    const callsBefore = avatarSdkSim().calls.length;
    const report = await advanceAvatarJobs(testContext(), { budgetMs: 10000 });
    expect(report).to.include({ checked: 0, failed: 0 });
    expect((await ref.get()).data()).to.include({ status: "processing", progress: 0.4 });
    const asked = avatarSdkSim()
      .calls.slice(callsBefore)
      .filter((c) => c.path.includes("didimo-key-123"));
    expect(asked).to.deep.equal([]);

    const later = { now: () => new Date(Date.now() + 2 * 3600_000) };
    await advanceAvatarJobs(testContext({ clock: later, jobDeadlineMinutes: 60 }), {
      budgetMs: 10000,
    });
    const ended = (await ref.get()).data();
    expect(ended?.status).to.equal("error");
    expect(ended?.error).to.match(/didimo, which this service no longer uses; create a new job/);
  });
});
