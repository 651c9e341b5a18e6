import { expect } from "chai";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startAvatarSdkSim, type AvatarSdkSim } from "../../devtools/provider-sims/avatar-sdk-sim";
import { AvatarSdkProvider } from "../../src/clients/providers/avatar-sdk";
import { ProviderError, type ProviderStatus } from "../../src/clients/providers/types";
import { inspectGlb } from "../../src/services/avatar/glb";
import { buildBlendshapeMap } from "../../src/services/avatar/blendshapes";
import { photoJpeg, voiceWebm } from "../fixtures/media";

const waitMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilSettled(p: AvatarSdkProvider, code: string): Promise<ProviderStatus[]> {
  const seen: ProviderStatus[] = [];
  for (let i = 0; i < 100; i++) {
    const s = await p.status(code);
    seen.push(s);
    if (s.state === "done" || s.state === "error") return seen;
    await waitMs(60);
  }
  throw new Error("never settled");
}

describe("Avatar SDK adapter against its simulator (real HTTP)", function () {
  this.timeout(30000);
  let sim: AvatarSdkSim;
  const provider = () =>
    new AvatarSdkProvider(sim.url, `${sim.clientId}:${sim.clientSecret}`, 3000);

  before(async () => (sim = await startAvatarSdkSim({ computeMs: 600, exportMs: 200 })));
  after(() => sim.close());
  beforeEach(() => {
    sim.calls.length = 0;
    sim.rejectNextPhotos = null;
    sim.faults.length = 0;
  });

  it("token (cached) → player → create → progress → export → GLB with MetaPerson's ARKit + visemes", async () => {
    const p = provider();
    const { providerJobId } = await p.submit({
      jobId: "j1",
      selfiePath: await photoJpeg(),
      contentType: "image/jpeg",
    });
    const seen = await untilSettled(p, providerJobId);
    expect(seen[seen.length - 1]).to.deep.equal({ state: "done", progress: 1 });
    const progress = seen.map((s) => s.progress);
    expect(progress).to.deep.equal([...progress].sort((a, b) => a - b));
    expect(progress.some((x) => x > 0 && x < 1)).to.equal(true);
    const dir = mkdtempSync(path.join(os.tmpdir(), "asdk-"));
    const { glbPath } = await p.download(providerJobId, dir);
    const info = await inspectGlb(readFileSync(glbPath));
    expect(info.meshes.map((m) => m.mesh)).to.deep.equal(["AvatarHead", "AvatarTeethLower"]);
    const map = buildBlendshapeMap(info.targetNames);
    expect(map.missing.arkit).to.deep.equal(["tongueOut"]);
    expect(map.missing.visemes).to.deep.equal([]);
    expect(sim.calls.filter((c) => c.path === "/o/token/")).to.have.length(1);
    expect(sim.calls.filter((c) => c.path === "/players/")).to.have.length(1);
  });

  it("a rejected photo ends in an error the user can act on", async () => {
    sim.rejectNextPhotos = "No face detected";
    const p = provider();
    const { providerJobId } = await p.submit({
      jobId: "j2",
      selfiePath: await photoJpeg(1),
      contentType: "image/jpeg",
    });
    const last = (await untilSettled(p, providerJobId)).pop();
    expect(last?.state).to.equal("error");
    expect(last?.error).to.match(/No face detected.*front-facing/);
  });

  it("maps failures to typed errors: bad credentials, non-image, 429, 5xx", async () => {
    const bad = new AvatarSdkProvider(sim.url, "wrong:creds");
    const denied = await bad
      .submit({ jobId: "x", selfiePath: await photoJpeg(), contentType: "image/jpeg" })
      .catch((e) => e);
    expect(denied).to.be.instanceOf(ProviderError).and.include({ kind: "unauthorized" });
    const p = provider();
    const notImage = await p
      .submit({ jobId: "x", selfiePath: await voiceWebm(), contentType: "image/jpeg" })
      .catch((e) => e);
    expect(notImage).to.include({ kind: "rejected" });
    sim.faults.push({ path: "^/avatars/$", status: 429, times: 1, retryAfterSeconds: 7 });
    const limited = await p
      .submit({ jobId: "x", selfiePath: await photoJpeg(), contentType: "image/jpeg" })
      .catch((e) => e);
    expect(limited).to.include({ kind: "rate_limited", retryAfterSeconds: 7 });
    expect((limited as ProviderError).transient).to.equal(true);
    sim.faults.push({ path: "^/avatars/", status: 502, times: 1 });
    const down = await p.status("player/abc").catch((e) => e);
    expect(down).to.include({ kind: "upstream" });
  });

  it("re-authorises when the token expires", async () => {
    sim.timings.tokenTtlSeconds = 1;
    try {
      const p = provider();
      await p.submit({ jobId: "j3", selfiePath: await photoJpeg(), contentType: "image/jpeg" });
      await waitMs(1200);
      const last = [...sim.avatars.values()].pop();
      const code = `${last?.player}/${last?.code}`;
      const before = sim.calls.filter((c) => c.path === "/o/token/").length;
      const s = await p.status(code);
      expect(s.state).to.be.oneOf(["processing", "done"]);
      expect(sim.calls.filter((c) => c.path === "/o/token/").length).to.be.greaterThan(before);
    } finally {
      sim.timings.tokenTtlSeconds = 36000;
    }
  });

  it("deletes an avatar with DELETE avatar.url: gone at the provider, a second delete finds it gone", async () => {
    const p = provider();
    const { providerJobId } = await p.submit({
      jobId: "del",
      selfiePath: await photoJpeg(),
      contentType: "image/jpeg",
    });
    const code = providerJobId.split("/")[1];
    expect(sim.avatars.has(code)).to.equal(true);
    expect(await p.deleteAvatar(providerJobId)).to.equal("deleted");
    expect(sim.avatars.has(code)).to.equal(false);
    expect(sim.calls.filter((c) => c.method === "DELETE").map((c) => c.status)).to.deep.equal([
      204,
    ]);
    const gone = await p.status(providerJobId).catch((e: unknown) => e);
    expect(gone).to.be.instanceOf(ProviderError);
    expect((gone as ProviderError).kind).to.equal("not_found");
    expect(await p.deleteAvatar(providerJobId)).to.equal("deleted"); // 404: already gone
    sim.faults.push({ path: `^/avatars/${code}/$`, status: 503, times: 1 });
    const failed = await p.deleteAvatar(providerJobId).catch((e: unknown) => e);
    expect((failed as ProviderError).kind).to.equal("upstream");
  });
});
