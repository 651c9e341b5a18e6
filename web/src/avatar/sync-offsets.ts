/**
 * Audio/visual sync of a played timeline, from the frames the viewer presented: for
 * each mouth-shape segment, offset = when the first frame that shows it is presented −
 * when its sound is heard, both on the audio clock. Positive: the picture is late (the
 * sound early).
 *
 * A frame shows a segment's shape once the shape's weight reaches half the weight the
 * timeline gives the segment: the middle of the mouth's move towards it. The search
 * runs from LOOK_BEFORE before the sound to LOOK_AFTER after it, and stops half-way to
 * the neighbouring segments of the same shape. A segment whose shape is already past
 * half-way when the search starts (the same shape again after a short pause) has no
 * onset to measure ("continued"); one whose shape never gets half-way (a short tongue
 * consonant the vowels around it blend away) is "not shown".
 *
 * The goal comes from ITU-R BT.1359's detectability window: sound up to 45 ms before
 * the picture and up to 125 ms after it go unnoticed, so p95 ≤ +45 ms and p5 ≥ −125 ms.
 * Pure: frames and segments in, figures out.
 */
import type { ShapeSegment } from "./speech-timeline";

/** One presented frame: its time on the audio clock (seconds from the start of the audio) and the shapes it shows. */
export interface ShownFrame {
  at: number;
  /** Shape key → weight; shapes at rest may be absent. */
  keys: Readonly<Record<string, number>>;
}

export interface SyncReport {
  /** Segments of the timeline. */
  segments: number;
  /** Segments with a measured onset. */
  measured: number;
  /** Segments whose shape was already showing when the search for their onset began. */
  continued: number;
  /** Segments whose shape never showed. */
  notShown: number;
  /** Milliseconds, over the measured segments (null when none was measured). */
  offsetMs: { p5: number; p50: number; p95: number } | null;
}

export const SYNC_GOAL = { p95MaxMs: 45, p5MinMs: -125 } as const;

/** How far before a segment's sound the search for its first frame starts, in seconds. */
const LOOK_BEFORE = 0.25;
/** How far after the sound's end it goes on, in seconds. */
const LOOK_AFTER = 0.25;
/** A shape shows once its weight reaches this share of the weight the timeline gives it. */
const SHOWN = 0.5;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Every measured segment's offset in milliseconds, and the counts. */
export function syncOffsets(
  segments: readonly ShapeSegment[],
  frames: readonly ShownFrame[],
): { offsets: number[]; continued: number; notShown: number } {
  const sorted = [...frames].sort((a, b) => a.at - b.at);
  const offsets: number[] = [];
  let continued = 0;
  let notShown = 0;
  segments.forEach((s, i) => {
    // Frames nearer a neighbouring segment of the same shape belong to that one.
    let from = s.t - LOOK_BEFORE;
    let to = s.t + s.d + LOOK_AFTER;
    for (let j = i - 1; j >= 0; j--) {
      if (segments[j].key === s.key) {
        from = Math.max(from, (segments[j].t + segments[j].d + s.t) / 2);
        break;
      }
    }
    for (let j = i + 1; j < segments.length; j++) {
      if (segments[j].key === s.key) {
        to = Math.min(to, (s.t + s.d + segments[j].t) / 2);
        break;
      }
    }
    const window = sorted.filter((f) => f.at >= from && f.at < to);
    const first = window.findIndex((f) => (f.keys[s.key] ?? 0) >= s.weight * SHOWN);
    if (first < 0) notShown++;
    else if (first === 0) continued++;
    else offsets.push((window[first].at - s.t) * 1000);
  });
  return { offsets, continued, notShown };
}

export function syncReport(segments: readonly ShapeSegment[], frames: readonly ShownFrame[]): SyncReport {
  const { offsets, continued, notShown } = syncOffsets(segments, frames);
  const sorted = [...offsets].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    segments: segments.length,
    measured: offsets.length,
    continued,
    notShown,
    offsetMs: sorted.length
      ? {
          p5: round(percentile(sorted, 0.05)),
          p50: round(percentile(sorted, 0.5)),
          p95: round(percentile(sorted, 0.95)),
        }
      : null,
  };
}

/**
 * The sync of one voice from its logged frames: the frames the timeline drove, against
 * the segments that start once the timeline fully drives the mouth (`from`, seconds of
 * audio; −∞ when the timeline came with the voice). Earlier segments were shown by
 * another source and say nothing about the timeline's sync. Null when nothing is left.
 */
export function timelineSync(
  segments: readonly ShapeSegment[],
  frames: readonly (ShownFrame & { source: string })[],
  from: number,
): SyncReport | null {
  const timed = frames.filter((f) => f.source === "timeline");
  const measured = segments.filter((s) => s.t >= from);
  return timed.length && measured.length ? syncReport(measured, timed) : null;
}
