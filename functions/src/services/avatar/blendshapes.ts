/**
 * Normalisation of a provider's facial morph names to the 52 ARKit blendshapes and
 * the 15 Oculus/Meta visemes (shared/docs/photoreal-providers.md §D), and the seed's
 * viseme groups (MBP, A, E, O, U, FV) served as ARKit weights adapted to one asset.
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

/**
 * The seed's viseme groups as ARKit mixes (TalkingHead's build-visemes-from-arkit,
 * photoreal-providers.md §D3). Left and right sides are equal.
 */
export const VISEME_GROUPS: Record<
  "MBP" | "A" | "E" | "O" | "U" | "FV",
  { viseme: VisemeCode; arkit: Partial<Record<ArkitName, number>> }
> = {
  MBP: {
    viseme: "PP",
    arkit: {
      mouthRollLower: 0.8,
      mouthRollUpper: 0.8,
      mouthUpperUpLeft: 0.3,
      mouthUpperUpRight: 0.3,
    },
  },
  A: { viseme: "aa", arkit: { jawOpen: 0.6 } },
  E: {
    viseme: "E",
    arkit: {
      mouthPressLeft: 0.8,
      mouthPressRight: 0.8,
      mouthDimpleLeft: 1,
      mouthDimpleRight: 1,
      jawOpen: 0.3,
    },
  },
  O: { viseme: "O", arkit: { mouthPucker: 1, jawForward: 0.6, jawOpen: 0.2 } },
  U: { viseme: "U", arkit: { mouthFunnel: 1 } },
  FV: {
    viseme: "FF",
    arkit: {
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

/** The seed's viseme map adapted to one asset's morph target names. */
export function visemeMapFor(
  map: Pick<BlendshapeMap, "arkit" | "visemes">,
): Record<keyof typeof VISEME_GROUPS, AssetViseme> {
  const out = {} as Record<keyof typeof VISEME_GROUPS, AssetViseme>;
  for (const [group, def] of Object.entries(VISEME_GROUPS) as [
    keyof typeof VISEME_GROUPS,
    (typeof VISEME_GROUPS)["A"],
  ][]) {
    const morphs: Record<string, number> = {};
    for (const [name, weight] of Object.entries(def.arkit) as [ArkitName, number][]) {
      const own = map.arkit[name];
      if (own) morphs[own] = weight;
    }
    out[group] = { arkit: def.arkit, morphs, nativeViseme: map.visemes[def.viseme] ?? null };
  }
  return out;
}
