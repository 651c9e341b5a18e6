/** Which morph targets a shape moves: the GLB's own visemes when it has them all, else the groups through the map. */
import assert from "node:assert/strict";
import { heuristicRig, morphInfluences, rigMorphs, timelineRig, type MouthMap } from "../../src/avatar/mouth-rig";
import { SPOKEN_VISEMES } from "../../src/avatar/speech-timeline";

/** An asset whose GLB names its visemes MetaPerson's way (no prefix, `ih`, `oh`, `ou`) and has ARKit shapes. */
const NATIVE: Record<string, string> = Object.fromEntries(
  SPOKEN_VISEMES.map((v) => [v, ({ I: "ih", O: "oh", U: "ou" } as Record<string, string>)[v] ?? v]),
);
const map = (visemes: Record<string, string>): MouthMap => ({
  blendshapeMap: { visemes },
  visemes: {
    MBP: { morphs: { mouthRollLower: 0.8, mouthRollUpper: 0.8 }, nativeViseme: visemes.PP ?? null },
    A: { morphs: { jawOpen: 0.6 }, nativeViseme: visemes.aa ?? null },
    E: { morphs: { mouthPressLeft: 0.8, jawOpen: 0.3 }, nativeViseme: visemes.E ?? null },
    O: { morphs: { mouthPucker: 1, jawOpen: 0.2 }, nativeViseme: visemes.O ?? null },
    U: { morphs: { mouthFunnel: 1 }, nativeViseme: visemes.U ?? null },
    FV: { morphs: { mouthShrugUpper: 1, mouthRollLower: 1 }, nativeViseme: visemes.FF ?? null },
  },
});
const glbWith = (names: string[]) => (n: string) => names.includes(n);

describe("speech timeline player: the mouth rig (no browser)", () => {
  it("drives the GLB's own viseme targets when it has one for every spoken viseme", () => {
    const rig = timelineRig(map(NATIVE), glbWith(Object.values(NATIVE)));
    assert.equal(rig.keys, "visemes");
    assert.deepEqual(rig.mix.get("O"), { oh: 1 });
    assert.deepEqual(morphInfluences(rig, { PP: 0.7, ou: 1 }), { PP: 0.7 }, "unknown keys move nothing");
    assert.equal(rigMorphs(rig).length, 14);
  });

  it("falls back to the six groups through the map when one viseme target is missing (map or GLB)", () => {
    const { kk: _gone, ...partial } = NATIVE;
    assert.equal(timelineRig(map(partial), () => true).keys, "groups");
    const rig = timelineRig(map(NATIVE), glbWith(Object.values(NATIVE).filter((n) => n !== "kk")));
    assert.equal(rig.keys, "groups");
    assert.deepEqual(rig.mix.get("A"), { jawOpen: 0.6 });
    assert.equal(timelineRig(map({}), () => true).keys, "groups", "an ARKit-only head");
  });

  it("sums shapes that share a morph (jawOpen from A and E)", () => {
    const rig = timelineRig(map({}), () => true);
    const m = morphInfluences(rig, { A: 0.5, E: 0.5 });
    assert.ok(Math.abs(m.jawOpen - 0.45) < 1e-9, JSON.stringify(m));
    assert.equal(m.mouthPressLeft, 0.4);
  });

  it("the heuristic's groups use the native visemes only when all six groups name one", () => {
    assert.deepEqual(heuristicRig(map(NATIVE)).mix.get("O"), { oh: 1 });
    const { FF: _gone, ...noFF } = NATIVE;
    assert.deepEqual(heuristicRig(map(noFF)).mix.get("O"), { mouthPucker: 1, jawOpen: 0.2 });
  });
});
