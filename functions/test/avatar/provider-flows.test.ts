/**
 * in3D through the job sweep (service layer, real Firestore emulator and Storage server,
 * in3D simulator): the job exposes the scanner link to its owner, waits for the scan,
 * then ends with a stored GLB and an asset.
 */
import { expect } from "chai";
import { startIn3dSim, type In3dSim } from "../../devtools/provider-sims/in3d-sim";
import { In3dProvider } from "../../src/clients/providers/in3d";
import { startDidimoSim } from "../../devtools/provider-sims/didimo-sim";
import { DidimoProvider } from "../../src/clients/providers/didimo";
import { photoJpeg } from "../fixtures/media";
import { advanceAvatarJobs } from "../../src/services/avatar/advance-jobs";
import { callFunction } from "../helpers/http";
import { createUser } from "../helpers/auth";
import { clearFirestore } from "../helpers/firestore";
import { db } from "../helpers/admin";
import { testContext } from "../helpers/context";
import { bucket } from "../helpers/storage";

describe("in3D job flow: scanner link → scan → GLB", function () {
  this.timeout(30000);
  let sim: In3dSim;
  before(async () => (sim = await startIn3dSim({ processingMs: 200 })));
  after(() => sim.close());
  beforeEach(clearFirestore);

  it("shows the owner what to do, then finishes the job when the scan is done", async () => {
    const user = await createUser();
    const provider = new In3dProvider(sim.url, sim.token);
    const sub = await provider.submit({ jobId: "in3d-job" });
    const now = new Date();
    await db()
      .doc("avatar_jobs/in3d-job")
      .set({
        user_id: user.uid,
        provider: "in3d",
        provider_job_id: sub.providerJobId,
        status: "processing",
        progress: 0.05,
        action: sub.action,
        attempts: 1,
        options: { output: "glb", blendshapes: "arkit", realism: "high" },
        created_at: now,
        updated_at: now,
      });
    await advanceAvatarJobs(testContext(), { budgetMs: 10000, provider });
    const waiting = await callFunction<Record<string, unknown>>(
      "avatar_jobs",
      "/avatar/jobs/in3d-job",
      { token: user.idToken },
    );
    expect(waiting.body).to.deep.include({ status: "processing", progress: 0.1 });
    expect(waiting.body.action).to.deep.include({ type: "open_url", url: sub.action?.url });

    sim.scan(sub.providerJobId);
    await new Promise((r) => setTimeout(r, 250));
    const report = await advanceAvatarJobs(testContext(), { budgetMs: 10000, provider });
    expect(report.done).to.equal(1);
    const done = await callFunction<Record<string, unknown>>(
      "avatar_jobs",
      "/avatar/jobs/in3d-job",
      { token: user.idToken },
    );
    expect(done.body).to.deep.equal({ status: "done", progress: 1, assetId: "in3d-job" });
    const asset = (await db().doc("avatar_assets/in3d-job").get()).data();
    expect(asset).to.include({
      user_id: user.uid,
      provider: "in3d",
      storage_key: "avatars/in3d-job/model.glb",
    });
    const [stored] = await bucket().file("avatars/in3d-job/model.glb").exists();
    expect(stored).to.equal(true);
  });
});

describe("Didimo job flow: skeletal poses recorded in the asset's blendshape map", function () {
  this.timeout(30000);
  beforeEach(clearFirestore);

  it("repackages the glTF as a GLB in Storage and maps Didimo's poses to ARKit names", async () => {
    const sim = await startDidimoSim({ processingMs: 200 });
    try {
      const user = await createUser();
      const provider = new DidimoProvider(sim.url, sim.apiKey);
      const sub = await provider.submit({
        selfiePath: await photoJpeg(),
        contentType: "image/jpeg",
      });
      const now = new Date();
      await db()
        .doc("avatar_jobs/didimo-job")
        .set({
          user_id: user.uid,
          provider: "didimo",
          provider_job_id: sub.providerJobId,
          status: "processing",
          progress: 0.05,
          attempts: 1,
          options: { output: "glb", blendshapes: "arkit", realism: "high" },
          created_at: now,
          updated_at: now,
        });
      await new Promise((r) => setTimeout(r, 250));
      const report = await advanceAvatarJobs(testContext(), { budgetMs: 10000, provider });
      expect(report.done).to.equal(1);
      const asset = (await db().doc("avatar_assets/didimo-job").get()).data();
      expect(asset?.provider).to.equal("didimo");
      expect(asset?.blendshape_map.arkit.eyeBlinkLeft).to.equal("ARKit.eyeBlinkLeft");
      expect(asset?.blendshape_map.visemes.aa).to.equal("oculus.aa");
      const [glb] = await bucket().file("avatars/didimo-job/model.glb").download();
      expect(glb.subarray(0, 4).toString("latin1")).to.equal("glTF");
    } finally {
      await sim.close();
    }
  });
});
