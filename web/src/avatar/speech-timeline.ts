/**
 * The speech timeline of a voice as the backend computes and stores it: when someone
 * speaks, which mouth shape they make when (Oculus' 15 visemes, silence being the
 * absence of a segment, and the six viseme groups the asset's map animates), and which
 * word when if the text is known. Times are seconds from the start of the audio; the
 * segments of each list are sorted and never overlap.
 *
 * Pure types and lookups: no DOM and no three.js, so Node tests can use them.
 */

/** Oculus' visemes without silence, as the timeline names them. */
export const SPOKEN_VISEMES = [
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
export type SpokenViseme = (typeof SPOKEN_VISEMES)[number];

/** The six groups of the asset's viseme map. */
export const SHAPE_GROUPS = ["MBP", "A", "E", "O", "U", "FV"] as const;
export type ShapeGroup = (typeof SHAPE_GROUPS)[number];

/** `t` start, `d` duration, in seconds. */
export interface TimedSegment {
  t: number;
  d: number;
}
export interface VisemeSegment extends TimedSegment {
  viseme: SpokenViseme;
  /** How fully the shape is formed, 0…1. */
  weight: number;
}
export interface GroupSegment extends TimedSegment {
  group: ShapeGroup;
  weight: number;
}

export interface SpeechTimeline {
  version: number;
  engine: { package: string; version: string; model: string };
  durationSeconds: number;
  voice: TimedSegment[];
  visemes: VisemeSegment[];
  groups: GroupSegment[];
  words?: (TimedSegment & { text: string })[];
}

/** A mouth shape on the timeline, named in the key space the player drives. */
export interface ShapeSegment extends TimedSegment {
  key: string;
  weight: number;
}

/** The timeline's visemes (`"visemes"`) or groups (`"groups"`) as shape segments. */
export function shapeSegments(timeline: SpeechTimeline, keys: "visemes" | "groups"): ShapeSegment[] {
  return keys === "visemes"
    ? timeline.visemes.map(({ t, d, viseme, weight }) => ({ t, d, key: viseme, weight }))
    : timeline.groups.map(({ t, d, group, weight }) => ({ t, d, key: group, weight }));
}

/** The index of the first segment that ends after `t` (`segments.length` when none does). */
export function firstEndingAfter(segments: readonly TimedSegment[], t: number): number {
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid].t + segments[mid].d <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The segment that holds time `t`, if any. */
export function segmentAt<S extends TimedSegment>(segments: readonly S[], t: number): S | undefined {
  const s = segments[firstEndingAfter(segments, t)];
  return s && s.t <= t ? s : undefined;
}
