/**
 * The facial shape names the providers' files carry, written out from Apple's ARKit
 * list, Oculus' viseme table and each provider's documentation, never taken from the code under test: a
 * wrong name in src/services/avatar/blendshapes.ts then shows up as an unmapped shape.
 */

/** The 52 ARKit blendshapes (ARFaceAnchor.BlendShapeLocation), exact names, in Apple's order. */
export const ARKIT_52 = [
  // Eyes (14)
  "eyeBlinkLeft",
  "eyeLookDownLeft",
  "eyeLookInLeft",
  "eyeLookOutLeft",
  "eyeLookUpLeft",
  "eyeSquintLeft",
  "eyeWideLeft",
  "eyeBlinkRight",
  "eyeLookDownRight",
  "eyeLookInRight",
  "eyeLookOutRight",
  "eyeLookUpRight",
  "eyeSquintRight",
  "eyeWideRight",
  // Jaw (4)
  "jawForward",
  "jawLeft",
  "jawRight",
  "jawOpen",
  // Mouth (23)
  "mouthClose",
  "mouthFunnel",
  "mouthPucker",
  "mouthLeft",
  "mouthRight",
  "mouthSmileLeft",
  "mouthSmileRight",
  "mouthFrownLeft",
  "mouthFrownRight",
  "mouthDimpleLeft",
  "mouthDimpleRight",
  "mouthStretchLeft",
  "mouthStretchRight",
  "mouthRollLower",
  "mouthRollUpper",
  "mouthShrugLower",
  "mouthShrugUpper",
  "mouthPressLeft",
  "mouthPressRight",
  "mouthLowerDownLeft",
  "mouthLowerDownRight",
  "mouthUpperUpLeft",
  "mouthUpperUpRight",
  // Brows (5)
  "browDownLeft",
  "browDownRight",
  "browInnerUp",
  "browOuterUpLeft",
  "browOuterUpRight",
  // Cheeks, nose, tongue (6)
  "cheekPuff",
  "cheekSquintLeft",
  "cheekSquintRight",
  "noseSneerLeft",
  "noseSneerRight",
  "tongueOut",
] as const;

/** MetaPerson's `mobile_51` and Didimo's ARKit poses lack tongueOut. */
export const ARKIT_51 = ARKIT_52.filter((n) => n !== "tongueOut");

/** Didimo's viseme poses (the Oculus codes): `oculus.<name>` in avatar_info.json. */
export const DIDIMO_VISEMES = [
  "sil",
  "PP",
  "FF",
  "TH",
  "DD",
  "kk",
  "CH",
  "SS",
  "nn",
  "RR",
  "aa",
  "E",
  "I",
  "O",
  "U",
] as const;

/** MetaPerson's viseme morphs on `AvatarHead`: the Oculus visemes without a prefix. */
export const METAPERSON_VISEMES = [
  "sil",
  "PP",
  "FF",
  "TH",
  "DD",
  "kk",
  "CH",
  "SS",
  "nn",
  "RR",
  "aa",
  "E",
  "ih",
  "oh",
  "ou",
] as const;
