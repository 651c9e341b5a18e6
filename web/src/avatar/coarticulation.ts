/**
 * Coarticulation: a speech timeline and a time on the audio clock → how strongly each
 * mouth shape shows. A pure function of time (no state, no DOM), so the picture is the
 * same at any frame rate and a late frame never has to catch up.
 *
 * Every segment has an envelope: it rises over ATTACK seconds that end at the sound's
 * start (the mouth moves towards a shape before it is heard), is fully formed while the
 * sound lasts, and falls over RELEASE seconds after it ends. The ramps are smoothstep
 * curves, so a shape never snaps in or out.
 *
 * Where envelopes overlap (neighbouring sounds), the shapes share the mouth by
 * dominance, as in Cohen and Massaro's coarticulation model: each segment's share is
 * its envelope times its key's dominance, divided by the sum over the overlapping
 * segments. The shares are then scaled by the strongest envelope, which is how far the
 * mouth is from rest. One segment alone therefore shows at envelope × weight; two
 * neighbours cross-fade around their boundary (equal dominance: half each exactly at
 * it); a pause longer than the ramps lets the mouth rest.
 */
import { firstEndingAfter, type ShapeSegment } from "./speech-timeline";

/**
 * Seconds the mouth takes to form a shape, ending at the sound's start. Lips and jaw
 * move before the sound they shape is heard (a bilabial closes before its burst, lips
 * round before the vowel); 60 ms is within the 40–80 ms a mouth needs between two
 * targets, and four of the timeline's 16 ms frames, so one misplaced frame cannot cause
 * a visible jump.
 */
export const ATTACK = 0.06;
/**
 * Seconds a shape takes to fade after its sound ends. A little slower than the attack:
 * the mouth relaxes rather than moves on purpose, and a short pause (under ~0.1 s) then
 * does not flash the rest pose between two words.
 */
export const RELEASE = 0.07;

/**
 * Seconds the picture is aimed ahead of the sound. A shape reaches the screen with the
 * first frame presented after its moment, on average half a frame (8 ms at 60 Hz) late,
 * and a stalled frame makes it later still; the eye forgives a picture that leads the
 * sound far more than one that lags it (ITU-R BT.1359: sound up to 125 ms late goes
 * unnoticed, but only up to 45 ms early). Aiming 20 ms ahead cancels the half frame and
 * keeps the rest of the margin on the side that can take it.
 */
export const VISUAL_LEAD = 0.02;

/**
 * Dominance of a shape over its neighbours. Lips that must close (MBP) or touch the
 * teeth (FV) are the shapes a viewer misses when they are blended away, so they win
 * even when short: a 40 ms "m" between two vowels still closes the lips more than
 * half-way. Every other shape dominates with 1, so neighbours meet half-way at their
 * boundary. (Tongue consonants are not made weaker here: the timeline already gives
 * them a reduced group, and a shape made weaker shows later, which reads as a late
 * picture.)
 */
export const DOMINANCE: Readonly<Record<string, number>> = { PP: 3, MBP: 3, FF: 2, FV: 2 };

/**
 * Seconds over which a dominant shape gives up its dominance once its sound has ended.
 * The lips leave a closure fast (the burst of a p or b opens them); holding the
 * dominance through the whole release would keep the next shape from showing for
 * about 40 ms, which the eye reads as a late picture.
 */
export const DOMINANCE_RELEASE = 0.03;

const smoothstep = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x));

/** Segment `s`'s dominance at time `t`: its key's, falling to 1 after its sound ends. */
function dominance(s: ShapeSegment, t: number): number {
  const full = DOMINANCE[s.key] ?? 1;
  return 1 + (full - 1) * (1 - smoothstep((t - (s.t + s.d)) / DOMINANCE_RELEASE));
}

/** How formed segment `s` is at time `t`, 0…1 (1 while it sounds). */
export function envelope(s: ShapeSegment, t: number): number {
  const rise = smoothstep((t - (s.t - ATTACK)) / ATTACK);
  const fall = 1 - smoothstep((t - (s.t + s.d)) / RELEASE);
  return Math.min(rise, fall);
}

/** Each key's weight at time `t` (seconds from the start of the audio); keys at rest are absent. */
export function shapeWeightsAt(segments: readonly ShapeSegment[], t: number): Record<string, number> {
  const out: Record<string, number> = {};
  // Segments whose envelope reaches `t`: they end after t − RELEASE and start before t + ATTACK.
  const active: { s: ShapeSegment; e: number; share: number }[] = [];
  for (let i = firstEndingAfter(segments, t - RELEASE); i < segments.length; i++) {
    const s = segments[i];
    if (s.t - ATTACK >= t) break;
    const e = envelope(s, t);
    if (e > 0) active.push({ s, e, share: e * dominance(s, t) });
  }
  if (!active.length) return out;
  const total = active.reduce((sum, a) => sum + a.share, 0);
  const open = Math.max(...active.map((a) => a.e));
  for (const { s, share } of active) out[s.key] = (out[s.key] ?? 0) + (open * share * s.weight) / total;
  return out;
}

/** What the mouth shows at the moment audio time `at` is heard: the shapes VISUAL_LEAD ahead. */
export function mouthAt(segments: readonly ShapeSegment[], at: number): Record<string, number> {
  return shapeWeightsAt(segments, at + VISUAL_LEAD);
}

/** The key with the largest weight above `floor`, or null when the mouth is (nearly) at rest. */
export function dominantKey(weights: Readonly<Record<string, number>>, floor = 0.02): string | null {
  let best: string | null = null;
  let max = floor;
  for (const [k, v] of Object.entries(weights)) {
    if (v > max) {
      max = v;
      best = k;
    }
  }
  return best;
}
