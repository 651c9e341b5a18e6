/**
 * The head in each provider's GLB layout and naming, as each provider's own files show them:
 * - MetaPerson: root `AvatarRoot`; `AvatarHead` with the 51 ARKit shapes
 *   (`mobile_51`) and the 15 visemes without a prefix (`visemes_15`), each set only when
 *   the export asked for it; `AvatarTeethLower` with the jaw shapes and the visemes;
 *   `AvatarTeethUpper` and the eyeballs without shapes, the eyeballs under the `LeftEye`
 *   and `RightEye` nodes (MetaPerson turns the eyes with those bones). The real
 *   skeleton (Hips … Head) is reduced to its `Head` node.
 * - in3D (no official documentation of its GLB): `Head_Mesh` with all 52 ARKit shapes in Facecap style
 *   (`EyeBlink_L`), `Teeth_Mesh` with the jaw and tongue shapes, `Eye_Mesh` with the gaze
 *   shapes baked onto the eyeballs; no visemes (none are documented for in3D).
 */
import { ARKIT_51, ARKIT_52, METAPERSON_VISEMES } from "../face-names";
import type { MorphSpec } from "./gltf-mesh";
import type { HeadLayout } from "./head-document";
import { VISEME_MIXES, withoutTongue, type VisemeCode } from "./mixes";
import type { ArkitShape } from "./shapes";

const arkit = (names: readonly ArkitShape[], spell: (n: ArkitShape) => string = (n) => n) =>
  names.map((n): MorphSpec => ({ name: spell(n), mix: { [n]: 1 } }));

/** MetaPerson's viseme names → the Oculus codes (ih, oh, ou are I, O, U). */
const METAPERSON_CODE: Record<(typeof METAPERSON_VISEMES)[number], VisemeCode> = {
  sil: "sil",
  PP: "PP",
  FF: "FF",
  TH: "TH",
  DD: "DD",
  kk: "kk",
  CH: "CH",
  SS: "SS",
  nn: "nn",
  RR: "RR",
  aa: "aa",
  E: "E",
  ih: "I",
  oh: "O",
  ou: "U",
};

/** MetaPerson has no tongueOut, so its visemes are baked without the tongue. */
const metaPersonVisemes = (): MorphSpec[] =>
  METAPERSON_VISEMES.map((n) => ({
    name: n,
    mix: withoutTongue(VISEME_MIXES[METAPERSON_CODE[n]]),
  }));

const JAW_SHAPES: ArkitShape[] = ["jawForward", "jawLeft", "jawOpen", "jawRight"];

export function metaPersonLayout(sets: { arkit: boolean; visemes: boolean }): HeadLayout {
  const visemes = sets.visemes ? metaPersonVisemes() : [];
  return {
    root: "AvatarRoot",
    nodes: [
      { name: "Head", at: [0, 0, 0] },
      { name: "LeftEye", at: "eyeLeft", parent: "Head" },
      { name: "RightEye", at: "eyeRight", parent: "Head" },
    ],
    meshes: [
      {
        name: "AvatarHead",
        parts: ["skin"],
        targets: [...(sets.arkit ? arkit(ARKIT_51) : []), ...visemes],
      },
      {
        name: "AvatarTeethLower",
        parts: ["teethLower", "tongue"],
        targets: [...(sets.arkit ? arkit(JAW_SHAPES) : []), ...visemes],
      },
      { name: "AvatarTeethUpper", parts: ["teethUpper"], targets: [] },
      { name: "AvatarLeftEyeball", parts: ["eyeLeft"], targets: [], parent: "LeftEye" },
      { name: "AvatarRightEyeball", parts: ["eyeRight"], targets: [], parent: "RightEye" },
    ],
  };
}

/** Facecap/Mixamo-style names (a guess for in3D, which documents none): PascalCase with _L/_R sides. */
export const in3dName = (n: string) =>
  (n[0].toUpperCase() + n.slice(1)).replace(/Left$/, "_L").replace(/Right$/, "_R");

const GAZE_SHAPES = ARKIT_52.filter((n) => /^eyeLook/.test(n));

export function in3dLayout(): HeadLayout {
  return {
    root: "Armature",
    nodes: [],
    meshes: [
      { name: "Head_Mesh", parts: ["skin"], targets: arkit(ARKIT_52, in3dName) },
      {
        name: "Teeth_Mesh",
        parts: ["teethUpper", "teethLower", "tongue"],
        targets: arkit([...JAW_SHAPES, "tongueOut"], in3dName),
      },
      { name: "Eye_Mesh", parts: ["eyeLeft", "eyeRight"], targets: arkit(GAZE_SHAPES, in3dName) },
    ],
  };
}
