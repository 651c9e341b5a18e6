/**
 * Shapes that are mixes of the ARKit ones: the 15 Oculus visemes as TalkingHead bakes
 * them from ARKit (TalkingHead's build-visemes-from-arkit; Left and Right equal), and Didimo's seven
 * simple expressions. A provider without tongueOut bakes its visemes without the tongue.
 */
import type { ArkitShape } from "./shapes";

export type Mix = Partial<Record<ArkitShape, number>>;

const both = (shape: string, w: number): Mix =>
  ({ [`${shape}Left`]: w, [`${shape}Right`]: w }) as Mix;

const KK: Mix = {
  ...both("mouthLowerDown", 0.4),
  ...both("mouthDimple", 0.3),
  mouthFunnel: 0.3,
  mouthPucker: 0.3,
  jawOpen: 0.15,
};

/** Oculus viseme code → ARKit mix. */
export const VISEME_MIXES = {
  sil: {},
  PP: { mouthRollLower: 0.8, mouthRollUpper: 0.8, ...both("mouthUpperUp", 0.3) },
  FF: {
    mouthPucker: 1,
    mouthShrugUpper: 1,
    ...both("mouthLowerDown", 0.2),
    ...both("mouthDimple", 1),
    mouthRollLower: 1,
  },
  TH: { mouthRollUpper: 0.6, jawOpen: 0.2, tongueOut: 0.4 },
  DD: { ...both("mouthPress", 0.8), mouthFunnel: 0.5, jawOpen: 0.2 },
  kk: KK,
  CH: { mouthPucker: 0.5, jawOpen: 0.2 },
  SS: { ...both("mouthPress", 0.8), ...both("mouthLowerDown", 0.5), jawOpen: 0.1 },
  nn: { ...KK, tongueOut: 0.2 },
  RR: { mouthPucker: 0.5, jawOpen: 0.2 },
  aa: { jawOpen: 0.6 },
  E: { ...both("mouthPress", 0.8), ...both("mouthDimple", 1), jawOpen: 0.3 },
  I: { ...both("mouthPress", 0.6), ...both("mouthDimple", 0.6), jawOpen: 0.2 },
  O: { mouthPucker: 1, jawForward: 0.6, jawOpen: 0.2 },
  U: { mouthFunnel: 1 },
} satisfies Record<string, Mix>;

export type VisemeCode = keyof typeof VISEME_MIXES;

export function withoutTongue(mix: Mix): Mix {
  return Object.fromEntries(Object.entries(mix).filter(([name]) => name !== "tongueOut"));
}

/** Didimo's simple expressions (what Didimo's own poses look like is not documented). */
export const SIMPLE_POSE_MIXES: Record<string, Mix> = {
  smile: { ...both("mouthSmile", 1), ...both("cheekSquint", 0.5), ...both("eyeSquint", 0.3) },
  frown: { ...both("mouthFrown", 1), ...both("browDown", 0.6) },
  surprise: { browInnerUp: 1, ...both("browOuterUp", 1), ...both("eyeWide", 1), jawOpen: 0.35 },
  anger: { ...both("browDown", 1), ...both("eyeSquint", 0.6), ...both("mouthPress", 0.7) },
  disgust: { ...both("noseSneer", 1), mouthShrugUpper: 0.6, ...both("mouthUpperUp", 0.5) },
  fear: { browInnerUp: 1, ...both("eyeWide", 0.8), ...both("mouthStretch", 0.8), jawOpen: 0.15 },
  sadness: { browInnerUp: 0.8, ...both("mouthFrown", 0.8), mouthShrugLower: 0.5 },
};
