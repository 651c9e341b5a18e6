import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startDidimoSim, type DidimoSim } from "../../devtools/provider-sims/didimo-sim";
import { DidimoProvider, posesOf, posesToBake } from "../../src/clients/providers/didimo";
import { uriEscape } from "../../src/clients/providers/gltf-package";
import { ProviderError, type ProviderStatus } from "../../src/clients/providers/types";
import { inspectGlb } from "../../src/services/avatar/glb";
import { buildBlendshapeMap } from "../../src/services/avatar/blendshapes";
import { photoJpeg } from "../fixtures/media";
import { ARKIT_51, DIDIMO_VISEMES } from "../../devtools/provider-sims/face-names";
import { PoseBakeError } from "../../src/clients/providers/didimo-bake";
import { NodeIO } from "@gltf-transform/core";

const waitMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function settle(p: DidimoProvider, key: string): Promise<ProviderStatus> {
  for (let i = 0; i < 60; i++) {
    const s = await p.status(key);
    if (s.state === "done" || s.state === "error") return s;
    await waitMs(50);
  }
  throw new Error("never settled");
}

describe("Didimo adapter against its simulator (real HTTP)", function () {
  this.timeout(20000);
  let sim: DidimoSim;
  before(async () => (sim = await startDidimoSim({ processingMs: 300 })));
  after(() => sim.close());
  beforeEach(() => {
    sim.rejectNextPhotos = null;
    sim.packageBufferUri = null;
    sim.packageAvatarInfo = null;
  });

  it("creates from a photo, follows percent, bakes the zipped glTF's poses into the morph targets of one GLB", async () => {
    const p = new DidimoProvider(sim.url, sim.apiKey);
    const { providerJobId } = await p.submit({
      selfiePath: await photoJpeg(),
      contentType: "image/jpeg",
    });
    expect(await settle(p, providerJobId)).to.deep.equal({ state: "done", progress: 1 });
    const model = await p.download(providerJobId, mkdtempSync(path.join(os.tmpdir(), "didimo-")));
    const glb = readFileSync(model.glbPath);
    expect(glb.subarray(0, 4).toString("latin1")).to.equal("glTF");
    const info = await inspectGlb(glb);
    // The 51 ARKit poses and 15 visemes, baked into every mesh under their own names.
    expect(info.targetNames).to.deep.equal([...ARKIT_51, ...DIDIMO_VISEMES]);
    expect(info.meshes.map((m) => [m.mesh, m.targetNames.length])).to.deep.equal([
      ["ddmo_head", 66],
      ["ddmo_eyeLeft", 66],
      ["ddmo_eyeRight", 66],
      ["ddmo_mouth", 66],
    ]);
    const map = buildBlendshapeMap(info.targetNames);
    expect(map.arkit.jawOpen).to.equal("jawOpen");
    expect(map.visemes.PP).to.equal("PP");
    expect(map.missing.arkit).to.deep.equal(["tongueOut"]);
    expect(map.missing.visemes).to.deep.equal([]);
    expect(map.unmapped).to.deep.equal([]);
    const doc = await new NodeIO().readBinary(glb);
    expect(doc.getRoot().listSkins()).to.deep.equal([]); // the rig is baked in and dropped
    expect(doc.getRoot().listAnimations()).to.deep.equal([]);
    const storage = sim.calls.find((c) => c.path.startsWith("/storage/"));
    expect(storage?.status).to.equal(200); // fetched without the API key
  });

  it("reports a rejected photo as an error the user can act on, and a bad key as unauthorized", async () => {
    sim.rejectNextPhotos = "No face found in the photo";
    const p = new DidimoProvider(sim.url, sim.apiKey);
    const { providerJobId } = await p.submit({
      selfiePath: await photoJpeg(1),
      contentType: "image/jpeg",
    });
    const s = await settle(p, providerJobId);
    expect(s.state).to.equal("error");
    expect(s.error).to.match(/No face found.*front-facing/);
    const denied = await new DidimoProvider(sim.url, "wrong")
      .submit({ selfiePath: await photoJpeg(), contentType: "image/jpeg" })
      .catch((e) => e);
    expect(denied).to.be.instanceOf(ProviderError).and.include({ kind: "unauthorized" });
  });

  it("maps quota and server failures to typed errors", async () => {
    const p = new DidimoProvider(sim.url, sim.apiKey);
    sim.faults.push({ path: "^/v3/didimos$", status: 402, times: 1 });
    const quota = await p
      .submit({ selfiePath: await photoJpeg(), contentType: "image/jpeg" })
      .catch((e) => e);
    expect(quota).to.include({ kind: "quota" });
    sim.faults.push({ path: "^/v3/didimos/", status: 503, times: 1 });
    const down = await p.status("0123abcd").catch((e) => e);
    expect(down).to.include({ kind: "upstream" });
    expect((down as ProviderError).transient).to.equal(true);
  });

  it("refuses a package whose glTF names a file outside it (absolute, .., other host)", async () => {
    const p = new DidimoProvider(sim.url, sim.apiKey);
    const { providerJobId } = await p.submit({
      selfiePath: await photoJpeg(),
      contentType: "image/jpeg",
    });
    await settle(p, providerJobId);
    const outside = mkdtempSync(path.join(os.tmpdir(), "didimo-outside-"));
    writeFileSync(path.join(outside, "secret.bin"), Buffer.alloc(36));
    for (const [uri, why] of [
      [path.join(outside, "secret.bin"), /absolute path/],
      ["../../" + path.basename(outside) + "/secret.bin", /leaves the package/],
      ["sub/%2e%2e/%2e%2e/x.bin", /leaves the package/],
      ["http://127.0.0.1:9/evil.bin", /another host or scheme/],
      ["//evil.example/x.bin", /another host or scheme/],
      ["file:///etc/hostname", /another host or scheme/],
    ] as const) {
      sim.packageBufferUri = uri;
      const err = await p
        .download(providerJobId, mkdtempSync(path.join(os.tmpdir(), "didimo-")))
        .catch((e: unknown) => e);
      expect(err, uri).to.be.instanceOf(ProviderError);
      expect((err as Error).message, uri).to.match(why);
    }
    // `..` is refused even when it would land back inside; plain names and data: are fine.
    expect(uriEscape("a/../ddmo_head.bin", "/p", "/p")).to.match(/\.\./);
    expect(uriEscape("ddmo_head.bin", "/p", "/p")).to.equal(null);
    expect(uriEscape("data:application/octet-stream;base64,AAAA", "/p", "/p")).to.equal(null);
  });

  it("reads poses from flat or nested avatar_info.json and names their morph targets", () => {
    const poses = posesOf({
      "ARKit.jawOpen": [1, 2],
      oculus: { PP: [3], ih: [4, 5] },
      animationFrames: { ARKit: { eyeBlink_L: [6, 7] } },
      simple: { smile: [8, 9], broken: [-1] },
      version: "2",
    });
    expect(poses).to.deep.equal([
      { name: "ARKit.jawOpen", frames: [1, 2] },
      { name: "oculus.PP", frames: [3] },
      { name: "oculus.ih", frames: [4, 5] },
      { name: "animationFrames.ARKit.eyeBlink_L", frames: [6, 7] },
      { name: "simple.smile", frames: [8, 9] },
    ]);
    expect(posesToBake([...poses, { name: "jawOpen", frames: [10, 11] }])).to.deep.equal([
      { morphName: "jawOpen", frames: [1, 2] },
      { morphName: "PP", frames: [3] },
      { morphName: "I", frames: [4, 5] },
      { morphName: "eyeBlinkLeft", frames: [6, 7] },
      { morphName: "simple.smile", frames: [8, 9] },
    ]);
  });

  it("ends a package whose poses name frames its animation lacks as unusable, not as a provider outage", async () => {
    const p = new DidimoProvider(sim.url, sim.apiKey);
    const { providerJobId } = await p.submit({
      selfiePath: await photoJpeg(),
      contentType: "image/jpeg",
    });
    await settle(p, providerJobId);
    sim.packageAvatarInfo = { poses: { "ARKit.jawOpen": [0, 999] } };
    const err = await p
      .download(providerJobId, mkdtempSync(path.join(os.tmpdir(), "didimo-")))
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(PoseBakeError);
    expect((err as Error).message).to.match(/frame 999 of an animation with 132 frames/);
  });

  it("deletes a didimo with DELETE /v3/didimos/{key} (204): gone at the provider", async () => {
    const p = new DidimoProvider(sim.url, sim.apiKey);
    const { providerJobId } = await p.submit({
      selfiePath: await photoJpeg(),
      contentType: "image/jpeg",
    });
    expect(sim.didimos.has(providerJobId)).to.equal(true);
    expect(await p.deleteAvatar(providerJobId)).to.equal("deleted");
    expect(sim.didimos.has(providerJobId)).to.equal(false);
    const gone = await p.status(providerJobId).catch((e: unknown) => e);
    expect((gone as ProviderError).kind).to.equal("not_found");
    expect(await p.deleteAvatar(providerJobId)).to.equal("deleted"); // 404: already gone
  });
});
