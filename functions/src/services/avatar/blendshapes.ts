/**
 * Normalisation of a provider's facial morph names to the 52 ARKit blendshapes and
 * the 15 Oculus/Meta visemes, and the seed's viseme groups (MBP, A, E, O, U, FV)
 * served as ARKit weights adapted to one asset: the seed's own map by default, or
 * TalkingHead's richer mixes when asked for (`VisemeMix`).
 */

export const ARKIT_BLENDSHAPES = [
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
  "jawForward",
  "jawLeft",
  "jawRight",
  "jawOpen",
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
  "browDownLeft",
  "browDownRight",
  "browInnerUp",
  "browOuterUpLeft",
  "browOuterUpRight",
  "cheekPuff",
  "cheekSquintLeft",
  "cheekSquintRight",
  "noseSneerLeft",
  "noseSneerRight",
  "tongueOut",
] as const;
export type ArkitName = (typeof ARKIT_BLENDSHAPES)[number];

/** Canonical Oculus/Meta viseme codes, in index order. */
export const VISEMES = [
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
export type VisemeCode = (typeof VISEMES)[number];

const ARKIT_BY_LOWER = new Map<string, ArkitName>(
  ARKIT_BLENDSHAPES.map((n) => [n.toLowerCase(), n]),
);
const VISEME_BY_LOWER = new Map<string, VisemeCode>([
  ...VISEMES.map((v) => [v.toLowerCase(), v] as [string, VisemeCode]),
  ["ih", "I"],
  ["oh", "O"],
  ["ou", "U"],
]);

export type NormalisedName =
  { kind: "arkit"; name: ArkitName } | { kind: "viseme"; code: VisemeCode } | null;

/**
 * `ARKit.eyeBlinkLeft`, `blendShape1.EyeBlink_L`, `eyeBlinkLeft` → eyeBlinkLeft;
 * `viseme_PP`, `PP`, `oculus.ih` → a viseme code. Unknown names → null.
 */
export function normaliseMorphName(raw: string): NormalisedName {
  let name = raw.trim();
  const dot = name.lastIndexOf(".");
  if (dot >= 0) name = name.slice(dot + 1);
  const visemeMatch = /^viseme_(.+)$/i.exec(name);
  if (visemeMatch) {
    const code = VISEME_BY_LOWER.get(visemeMatch[1].toLowerCase());
    return code ? { kind: "viseme", code } : null;
  }
  const sided = name.replace(/_L$/i, "Left").replace(/_R$/i, "Right").replace(/_/g, "");
  const arkit = ARKIT_BY_LOWER.get(sided.toLowerCase());
  if (arkit) return { kind: "arkit", name: arkit };
  const code = VISEME_BY_LOWER.get(name.toLowerCase());
  return code ? { kind: "viseme", code } : null;
}

export interface BlendshapeMap {
  /** ARKit name → the provider's morph (or pose) name. */
  arkit: Partial<Record<ArkitName, string>>;
  /** Viseme code → the provider's morph (or pose) name. */
  visemes: Partial<Record<VisemeCode, string>>;
  missing: { arkit: ArkitName[]; visemes: VisemeCode[] };
  /** Provider names that map to nothing known. */
  unmapped: string[];
}

export function buildBlendshapeMap(providerNames: Iterable<string>): BlendshapeMap {
  const map: BlendshapeMap = {
    arkit: {},
    visemes: {},
    missing: { arkit: [], visemes: [] },
    unmapped: [],
  };
  for (const raw of new Set(providerNames)) {
    const n = normaliseMorphName(raw);
    if (!n) map.unmapped.push(raw);
    else if (n.kind === "arkit") map.arkit[n.name] ??= raw;
    else map.visemes[n.code] ??= raw;
  }
  map.missing.arkit = ARKIT_BLENDSHAPES.filter((n) => !map.arkit[n]);
  map.missing.visemes = VISEMES.filter((v) => !map.visemes[v]);
  return map;
}

export type VisemeGroup = "MBP" | "A" | "E" | "O" | "U" | "FV";

/**
 * The seed's viseme map exactly as the seed writes it: its shape names and weights.
 * `mouthSmile` is not an ARKit name; it stands for both sides (`arkitNamesOf`).
 */
export const SEED_VISEME_MAP: Record<VisemeGroup, readonly (readonly [string, number])[]> = {
  MBP: [["mouthClose", 1.0]],
  A: [
    ["jawOpen", 0.8],
    ["mouthFunnel", 0.2],
  ],
  E: [
    ["mouthSmile", 0.6],
    ["jawOpen", 0.2],
  ],
  O: [
    ["mouthPucker", 0.9],
    ["jawOpen", 0.3],
  ],
  U: [["mouthPucker", 0.8]],
  FV: [["mouthFunnel", 0.6]],
};

/** A shape name as ARKit names: an ARKit name itself; a sideless one (`mouthSmile`) as both sides. */
export function arkitNamesOf(name: string): ArkitName[] {
  const exact = ARKIT_BY_LOWER.get(name.toLowerCase());
  if (exact) return [exact];
  const sides = [`${name}Left`, `${name}Right`].map((n) => ARKIT_BY_LOWER.get(n.toLowerCase()));
  if (sides[0] && sides[1]) return [sides[0], sides[1]];
  throw new Error(`${name} is neither an ARKit blendshape nor the two sides of one`);
}

/** A map of shape names and weights as ARKit weights (both sides of a sideless name equal). */
export function arkitWeights(
  shapes: readonly (readonly [string, number])[],
): Partial<Record<ArkitName, number>> {
  const out: Partial<Record<ArkitName, number>> = {};
  for (const [name, weight] of shapes) for (const n of arkitNamesOf(name)) out[n] = weight;
  return out;
}

/**
 * The seed's viseme groups: the Oculus viseme each stands for (an asset's own viseme
 * morph, when it has one) and the seed's map as ARKit weights.
 */
export const VISEME_GROUPS: Record<
  VisemeGroup,
  { viseme: VisemeCode; arkit: Partial<Record<ArkitName, number>> }
> = {
  MBP: { viseme: "PP", arkit: arkitWeights(SEED_VISEME_MAP.MBP) },
  A: { viseme: "aa", arkit: arkitWeights(SEED_VISEME_MAP.A) },
  E: { viseme: "E", arkit: arkitWeights(SEED_VISEME_MAP.E) },
  O: { viseme: "O", arkit: arkitWeights(SEED_VISEME_MAP.O) },
  U: { viseme: "U", arkit: arkitWeights(SEED_VISEME_MAP.U) },
  FV: { viseme: "FF", arkit: arkitWeights(SEED_VISEME_MAP.FV) },
};

/** Which ARKit mixes are served for the viseme groups. */
export const VISEME_MIXES = ["seed", "talkinghead"] as const;
export type VisemeMix = (typeof VISEME_MIXES)[number];

/**
 * The groups' ARKit weights per mix:
 * - `seed` (the default): the seed's map as written, `mouthSmile` as both sides;
 * - `talkinghead`: the richer mixes of TalkingHead's build-visemes-from-arkit (lips
 *   rolled and pressed for M/B/P instead of ARKit's `mouthClose`, which is a corrective
 *   shape meant to be used with `jawOpen`; dimples and a pushed jaw for E and O; left
 *   and right sides equal).
 */
export const VISEME_GROUP_WEIGHTS: Record<
  VisemeMix,
  Record<VisemeGroup, Partial<Record<ArkitName, number>>>
> = {
  seed: {
    MBP: VISEME_GROUPS.MBP.arkit,
    A: VISEME_GROUPS.A.arkit,
    E: VISEME_GROUPS.E.arkit,
    O: VISEME_GROUPS.O.arkit,
    U: VISEME_GROUPS.U.arkit,
    FV: VISEME_GROUPS.FV.arkit,
  },
  talkinghead: {
    MBP: {
      mouthRollLower: 0.8,
      mouthRollUpper: 0.8,
      mouthUpperUpLeft: 0.3,
      mouthUpperUpRight: 0.3,
    },
    A: { jawOpen: 0.6 },
    E: {
      mouthPressLeft: 0.8,
      mouthPressRight: 0.8,
      mouthDimpleLeft: 1,
      mouthDimpleRight: 1,
      jawOpen: 0.3,
    },
    O: { mouthPucker: 1, jawForward: 0.6, jawOpen: 0.2 },
    U: { mouthFunnel: 1 },
    FV: {
      mouthPucker: 1,
      mouthShrugUpper: 1,
      mouthLowerDownLeft: 0.2,
      mouthLowerDownRight: 0.2,
      mouthDimpleLeft: 1,
      mouthDimpleRight: 1,
      mouthRollLower: 1,
    },
  },
};

export interface AssetViseme {
  /** ARKit weights for this viseme group (ARKit names; clients drive them via `morphs`). */
  arkit: Partial<Record<ArkitName, number>>;
  /** The same weights keyed by this asset's own morph names (shapes it lacks are dropped). */
  morphs: Record<string, number>;
  /** The asset's native viseme morph for this group, when it has one. */
  nativeViseme: string | null;
}

/** The viseme groups in one mix (the seed's by default), adapted to one asset's morph names. */
export function visemeMapFor(
  map: Pick<BlendshapeMap, "arkit" | "visemes">,
  mix: VisemeMix = "seed",
): Record<VisemeGroup, AssetViseme> {
  const out = {} as Record<VisemeGroup, AssetViseme>;
  for (const [group, arkit] of Object.entries(VISEME_GROUP_WEIGHTS[mix]) as [
    VisemeGroup,
    Partial<Record<ArkitName, number>>,
  ][]) {
    const morphs: Record<string, number> = {};
    for (const [name, weight] of Object.entries(arkit) as [ArkitName, number][]) {
      const own = map.arkit[name];
      if (own) morphs[own] = weight;
    }
    out[group] = { arkit, morphs, nativeViseme: map.visemes[VISEME_GROUPS[group].viseme] ?? null };
  }
  return out;
}
