import { expect } from "chai";
import {
  ARKIT_BLENDSHAPES,
  arkitNamesOf,
  buildBlendshapeMap,
  normaliseMorphName,
  visemeMapFor,
} from "../../src/services/avatar/blendshapes";
import { inspectGlb } from "../../src/services/avatar/glb";
import { buildHeadGlb, METAPERSON_HEAD_TARGETS } from "../../devtools/provider-sims/glb-fixture";
import { ApiError } from "../../src/errors";

describe("blendshape normalisation", () => {
  it("maps ARKit names case-insensitively, with _L/_R sides and pose prefixes", () => {
    expect(normaliseMorphName("eyeBlinkLeft")).to.deep.equal({
      kind: "arkit",
      name: "eyeBlinkLeft",
    });
    expect(normaliseMorphName("EyeBlink_L")).to.deep.equal({ kind: "arkit", name: "eyeBlinkLeft" });
    expect(normaliseMorphName("BrowInnerUp")).to.deep.equal({ kind: "arkit", name: "browInnerUp" });
    expect(normaliseMorphName("ARKit.mouthSmile_R")).to.deep.equal({
      kind: "arkit",
      name: "mouthSmileRight",
    });
    expect(normaliseMorphName("blendShape1.jawOpen")).to.deep.equal({
      kind: "arkit",
      name: "jawOpen",
    });
  });

  it("maps visemes: viseme_ prefix, MetaPerson's ih/oh/ou, bare codes", () => {
    expect(normaliseMorphName("viseme_PP")).to.deep.equal({ kind: "viseme", code: "PP" });
    expect(normaliseMorphName("viseme_aa")).to.deep.equal({ kind: "viseme", code: "aa" });
    expect(normaliseMorphName("ih")).to.deep.equal({ kind: "viseme", code: "I" });
    expect(normaliseMorphName("oh")).to.deep.equal({ kind: "viseme", code: "O" });
    expect(normaliseMorphName("ou")).to.deep.equal({ kind: "viseme", code: "U" });
    expect(normaliseMorphName("oculus.sil")).to.deep.equal({ kind: "viseme", code: "sil" });
    expect(normaliseMorphName("Laughter")).to.equal(null);
    expect(normaliseMorphName("viseme_XX")).to.equal(null);
  });

  it("records what is missing and what maps to nothing", () => {
    const map = buildBlendshapeMap(["jawOpen", "viseme_PP", "mouthOpen"]);
    expect(map.arkit.jawOpen).to.equal("jawOpen");
    expect(map.visemes.PP).to.equal("viseme_PP");
    expect(map.unmapped).to.deep.equal(["mouthOpen"]);
    expect(map.missing.arkit).to.have.length(51);
    expect(map.missing.visemes).to.have.length(14);
  });

  it("serves the seed's viseme map by default, adapted to the asset, mouthSmile as both sides", () => {
    const map = buildBlendshapeMap(METAPERSON_HEAD_TARGETS);
    const visemes = visemeMapFor(map);
    expect(Object.keys(visemes).sort()).to.deep.equal(["A", "E", "FV", "MBP", "O", "U"]);
    expect(visemes.A).to.deep.equal({
      arkit: { jawOpen: 0.8, mouthFunnel: 0.2 },
      morphs: { jawOpen: 0.8, mouthFunnel: 0.2 },
      nativeViseme: "aa",
    });
    expect(visemes.E.arkit).to.deep.equal({
      mouthSmileLeft: 0.6,
      mouthSmileRight: 0.6,
      jawOpen: 0.2,
    });
    expect(visemes.MBP.arkit).to.deep.equal({ mouthClose: 1 });
    expect(visemes.O.nativeViseme).to.equal("oh");
  });

  it("serves TalkingHead's richer mixes when asked, dropping shapes the asset lacks", () => {
    const visemes = visemeMapFor(buildBlendshapeMap(["jawOpen", "mouthRollLower"]), "talkinghead");
    expect(visemes.A).to.deep.equal({
      arkit: { jawOpen: 0.6 },
      morphs: { jawOpen: 0.6 },
      nativeViseme: null,
    });
    expect(visemes.MBP.morphs).to.deep.equal({ mouthRollLower: 0.8 });
    expect(visemes.MBP.arkit).to.include({ mouthRollUpper: 0.8, mouthUpperUpLeft: 0.3 });
  });

  it("reads a seed shape name as ARKit names: itself, or both sides of a sideless one", () => {
    expect(arkitNamesOf("jawOpen")).to.deep.equal(["jawOpen"]);
    expect(arkitNamesOf("mouthSmile")).to.deep.equal(["mouthSmileLeft", "mouthSmileRight"]);
    expect(arkitNamesOf("mouthfunnel")).to.deep.equal(["mouthFunnel"]);
    expect(() => arkitNamesOf("mouthOpen")).to.throw(/neither an ARKit blendshape/);
  });
});

describe("GLB ingest (glTF-Transform)", () => {
  it("reads the morph targets of a MetaPerson-style head: 51 ARKit + 15 visemes, tongueOut missing", async () => {
    const glb = await buildHeadGlb([{ name: "AvatarHead", targetNames: METAPERSON_HEAD_TARGETS }]);
    const info = await inspectGlb(glb);
    expect(info.meshes).to.have.length(1);
    expect(info.meshes[0].mesh).to.equal("AvatarHead");
    expect(info.targetNames).to.have.length(66);
    const map = buildBlendshapeMap(info.targetNames);
    expect(Object.keys(map.arkit)).to.have.length(ARKIT_BLENDSHAPES.length - 1);
    expect(map.missing.arkit).to.deep.equal(["tongueOut"]);
    expect(map.missing.visemes).to.deep.equal([]);
    expect(map.unmapped).to.deep.equal([]);
  });

  it("rejects bytes that are not a GLB, and a truncated GLB", async () => {
    const notGlb = await inspectGlb(Buffer.from("PK\u0003\u0004 not a model")).catch(
      (e: unknown) => e,
    );
    expect(notGlb).to.be.instanceOf(ApiError);
    const glb = await buildHeadGlb([{ name: "AvatarHead", targetNames: ["jawOpen"] }]);
    const truncated = await inspectGlb(glb.subarray(0, 40)).catch((e: unknown) => e);
    expect(truncated).to.be.instanceOf(ApiError);
    expect((truncated as ApiError).message).to.match(/not a valid GLB/);
  });

  it("trims names, drops any prefix up to the last dot, and sides only a trailing _L/_R", () => {
    expect(normaliseMorphName("  eyeBlinkLeft ")).to.deep.equal({
      kind: "arkit",
      name: "eyeBlinkLeft",
    });
    expect(normaliseMorphName(".jawOpen")).to.deep.equal({ kind: "arkit", name: "jawOpen" });
    expect(normaliseMorphName("Mouth_LowerDown_L")).to.deep.equal({
      kind: "arkit",
      name: "mouthLowerDownLeft",
    });
    expect(normaliseMorphName("Mouth_Roll_Upper")).to.deep.equal({
      kind: "arkit",
      name: "mouthRollUpper",
    });
    expect(normaliseMorphName("xviseme_PP")).to.equal(null);
    expect(normaliseMorphName("viseme_zz")).to.equal(null);
  });

  it("serves the viseme groups as weights on the asset's own morphs, in either mix", () => {
    const names = ARKIT_BLENDSHAPES.map((n) => `ARKit.${n}`);
    const seed = visemeMapFor(buildBlendshapeMap(names));
    expect(seed.MBP.morphs).to.deep.equal({ "ARKit.mouthClose": 1 });
    expect(seed.E.morphs).to.deep.equal({
      "ARKit.mouthSmileLeft": 0.6,
      "ARKit.mouthSmileRight": 0.6,
      "ARKit.jawOpen": 0.2,
    });
    expect(seed.O.morphs).to.deep.equal({ "ARKit.mouthPucker": 0.9, "ARKit.jawOpen": 0.3 });
    expect(seed.U.morphs).to.deep.equal({ "ARKit.mouthPucker": 0.8 });
    expect(seed.FV.morphs).to.deep.equal({ "ARKit.mouthFunnel": 0.6 });
    expect(seed.FV.nativeViseme).to.equal(null);

    const groups = visemeMapFor(buildBlendshapeMap(names), "talkinghead");
    expect(groups.MBP.morphs).to.deep.equal({
      "ARKit.mouthRollLower": 0.8,
      "ARKit.mouthRollUpper": 0.8,
      "ARKit.mouthUpperUpLeft": 0.3,
      "ARKit.mouthUpperUpRight": 0.3,
    });
    expect(groups.O.morphs).to.deep.equal({
      "ARKit.mouthPucker": 1,
      "ARKit.jawForward": 0.6,
      "ARKit.jawOpen": 0.2,
    });
    expect(groups.U.morphs).to.deep.equal({ "ARKit.mouthFunnel": 1 });
    expect(groups.FV.arkit).to.deep.equal({
      mouthPucker: 1,
      mouthShrugUpper: 1,
      mouthLowerDownLeft: 0.2,
      mouthLowerDownRight: 0.2,
      mouthDimpleLeft: 1,
      mouthDimpleRight: 1,
      mouthRollLower: 1,
    });
    expect(groups.FV.nativeViseme).to.equal(null);
  });
});
