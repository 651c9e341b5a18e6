/**
 * Which morph targets of an asset a mouth shape moves, and by how much. Two rigs:
 * - the timeline's: Oculus visemes straight onto the GLB's own viseme targets when it
 *   has one for every spoken viseme (MetaPerson's `PP`…`ou`, Ready Player Me's
 *   `viseme_*`); otherwise the six groups through the asset's viseme map (ARKit
 *   weights on the asset's own morph names);
 * - the lip-sync heuristic's: its six groups, onto the native viseme of each group when
 *   the asset names one for all six, else through the map.
 * Pure: no DOM and no three.js.
 */
import { SHAPE_GROUPS, SPOKEN_VISEMES, type ShapeGroup } from "./speech-timeline";

/** The parts of `GET /avatar/assets/:assetId` a mouth needs. */
export interface MouthMap {
  visemes: Record<ShapeGroup, { morphs: Record<string, number>; nativeViseme: string | null }>;
  blendshapeMap: { visemes: Record<string, string> };
}

export interface MouthRig {
  /** The timeline list the keys come from. */
  keys: "visemes" | "groups";
  /** Key → asset morph name → weight at full strength. */
  mix: ReadonlyMap<string, Readonly<Record<string, number>>>;
}

/** The rig a speech timeline drives on this asset; `hasMorph` says whether the GLB has a target. */
export function timelineRig(map: MouthMap, hasMorph: (name: string) => boolean): MouthRig {
  const native = SPOKEN_VISEMES.map((v) => [v, map.blendshapeMap.visemes[v]] as const);
  if (native.every(([, morph]) => morph !== undefined && hasMorph(morph))) {
    return { keys: "visemes", mix: new Map(native.map(([v, morph]) => [v, { [morph as string]: 1 }])) };
  }
  return groupRig(map, false);
}

/** The rig the heuristic's six groups drive. */
export function heuristicRig(map: MouthMap): MouthRig {
  return groupRig(map, SHAPE_GROUPS.every((g) => map.visemes[g].nativeViseme));
}

function groupRig(map: MouthMap, native: boolean): MouthRig {
  return {
    keys: "groups",
    mix: new Map(
      SHAPE_GROUPS.map((g) => {
        const v = map.visemes[g];
        return [g, native && v.nativeViseme ? { [v.nativeViseme]: 1 } : v.morphs];
      }),
    ),
  };
}

/** Every morph name a rig can move. */
export function rigMorphs(rig: MouthRig): string[] {
  return [...new Set([...rig.mix.values()].flatMap((m) => Object.keys(m)))];
}

/** Key weights → morph influences (summed where shapes share a morph; not clamped). */
export function morphInfluences(rig: MouthRig, weights: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, w] of Object.entries(weights)) {
    const morphs = rig.mix.get(key);
    if (!morphs || !w) continue;
    for (const [name, coef] of Object.entries(morphs)) out[name] = (out[name] ?? 0) + w * coef;
  }
  return out;
}
