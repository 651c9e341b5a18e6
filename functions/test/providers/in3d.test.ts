import { expect } from "chai";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startIn3dSim, type In3dSim } from "../../devtools/provider-sims/in3d-sim";
import { In3dProvider } from "../../src/clients/providers/in3d";
import { ProviderError } from "../../src/clients/providers/types";
import { inspectGlb } from "../../src/services/avatar/glb";
import { buildBlendshapeMap } from "../../src/services/avatar/blendshapes";
import { waitUntil } from "../helpers/wait";

describe("in3D adapter against its simulator (real HTTP)", function () {
  this.timeout(20000);
  let sim: In3dSim;
  before(async () => (sim = await startIn3dSim({ processingMs: 1500 })));
  after(() => sim.close());

  it("creates a scan, hands the user the scanner link, waits, then downloads a GLB that normalises to ARKit", async () => {
    const p = new In3dProvider(sim.url, sim.token);
    const sub = await p.submit({ jobId: "j1" });
    expect(sub.action?.url).to.equal(`https://scan.in3d.io/?scan_id=${sub.providerJobId}`);
    expect(await p.status(sub.providerJobId)).to.deep.equal({
      state: "waiting_for_user",
      progress: 0.1,
    });
    sim.scan(sub.providerJobId);
    // Read at once, well inside the 1.5 s processing (300 ms raced a loaded machine).
    expect((await p.status(sub.providerJobId)).state).to.equal("processing");
    await waitUntil(
      async () => (await p.status(sub.providerJobId)).state === "done",
      "the scan processed",
    );
    expect(await p.status(sub.providerJobId)).to.deep.equal({ state: "done", progress: 1 });
    const { glbPath } = await p.download(
      sub.providerJobId,
      mkdtempSync(path.join(os.tmpdir(), "in3d-")),
    );
    const map = buildBlendshapeMap((await inspectGlb(readFileSync(glbPath))).targetNames);
    expect(map.missing.arkit).to.deep.equal([]);
    expect(map.arkit.eyeBlinkLeft).to.equal("EyeBlink_L");
    expect(map.missing.visemes).to.have.length(15);
  });

  it("an unscanned link that expires ends in an error the user can act on; a bad token is unauthorized", async () => {
    const p = new In3dProvider(sim.url, sim.token);
    const sub = await p.submit({ jobId: "j2" });
    sim.timings.expiresMs = 0;
    try {
      const s = await p.status(sub.providerJobId);
      expect(s.state).to.equal("error");
      expect(s.error).to.match(/expired.*new job/);
    } finally {
      sim.timings.expiresMs = 30 * 60 * 1000;
    }
    const denied = await new In3dProvider(sim.url, "wrong").submit({ jobId: "x" }).catch((e) => e);
    expect(denied).to.be.instanceOf(ProviderError).and.include({ kind: "unauthorized" });
  });

  it("reports a scan as not deletable (in3D documents no delete) without calling in3D", async () => {
    const p = new In3dProvider(sim.url, sim.token);
    const sub = await p.submit({ jobId: "j-del" });
    const before = sim.calls.length;
    expect(await p.deleteAvatar()).to.equal("not_deletable");
    expect(sim.calls.length).to.equal(before);
    expect(sim.scans.has(sub.providerJobId)).to.equal(true);
  });
});
