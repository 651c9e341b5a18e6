/**
 * Builds the speech timeline from the analysed frames of a whole recording: voice
 * activity, then viseme segments (a centred majority vote over the classifier's frames,
 * runs of one viseme merged, runs too short to see folded into a neighbour), their
 * weights, the seed's groups derived from them, and the words when the text is known.
 * Pure: the same frames give the same timeline.
 */
import type { AnalysedFrame } from "./headaudio/analyser";
import { FRAME_HOP_SECONDS } from "./headaudio/analyser";
import { MODEL_VISEME_SIL, MODEL_VISEMES_N } from "./headaudio/constants";
import { HEADAUDIO_MODEL } from "./headaudio/model";
import {
  TIMELINE_VERSION,
  type GroupSegment,
  type Segment,
  type SpeechTimeline,
  type VisemeSegment,
} from "./schema";
import { GROUP_OF, HEADAUDIO_VISEMES, VOWELS } from "./visemes";
import { DEFAULT_VOICE_ACTIVITY, voicedFrames, type VoiceActivityOptions } from "./voice-activity";
import { spreadWords } from "./words";

export interface TimelineOptions {
  voice: VoiceActivityOptions;
  /** Frames in the centred majority vote over the classifier's output (odd). */
  smoothFrames: number;
  /** Viseme runs shorter than this fold into a neighbour (or vanish between pauses). */
  minVisemeSeconds: number;
}

export const DEFAULT_TIMELINE: TimelineOptions = {
  voice: DEFAULT_VOICE_ACTIVITY,
  smoothFrames: 5,
  minVisemeSeconds: 0.032,
};

interface Run {
  label: number;
  from: number;
  to: number;
}

const ms = (s: number) => Math.round(s * 1000) / 1000;

/** The most frequent label around each voiced frame; unvoiced frames are silence. */
export function smoothLabels(raw: readonly number[], voiced: readonly boolean[], window: number) {
  const half = Math.floor(window / 2);
  const counts = new Int32Array(MODEL_VISEMES_N);
  return raw.map((own, i) => {
    if (!voiced[i]) return MODEL_VISEME_SIL;
    counts.fill(0);
    for (let j = Math.max(0, i - half); j <= Math.min(raw.length - 1, i + half); j++) {
      counts[voiced[j] ? raw[j] : MODEL_VISEME_SIL]++;
    }
    let best = own;
    for (let v = 0; v < MODEL_VISEMES_N; v++) if (counts[v] > counts[best]) best = v;
    return best;
  });
}

/** Maximal runs of equal labels. */
export function runsOf<T>(labels: readonly T[]): { label: T; from: number; to: number }[] {
  const runs: { label: T; from: number; to: number }[] = [];
  for (let i = 0; i < labels.length;) {
    let j = i;
    while (j < labels.length && labels[j] === labels[i]) j++;
    runs.push({ label: labels[i], from: i, to: j });
    i = j;
  }
  return runs;
}

/** Runs of equal labels; short speech runs fold into the longer neighbouring speech run. */
export function mergeRuns(labels: readonly number[], minFrames: number): Run[] {
  const runs = runsOf(labels);
  const out: Run[] = [];
  for (let k = 0; k < runs.length; k++) {
    const run = runs[k];
    const speech = (r: Run | undefined) => (r && r.label !== MODEL_VISEME_SIL ? r : undefined);
    const prev = speech(out[out.length - 1]);
    if (run.label === MODEL_VISEME_SIL || run.to - run.from >= minFrames) {
      if (prev && prev.label === run.label) prev.to = run.to;
      else out.push({ ...run });
      continue;
    }
    const next = speech(runs[k + 1]);
    if (prev && next && prev.label === next.label) {
      prev.to = next.to;
      k++;
    } else if (prev && (!next || prev.to - prev.from >= next.to - next.from)) {
      prev.to = run.to;
    } else if (next) {
      next.from = run.from;
    } else {
      out.push({ label: MODEL_VISEME_SIL, from: run.from, to: run.to });
    }
  }
  return out;
}

const percentile95 = (values: number[]) => {
  if (values.length === 0) return 1;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length * 0.95)] ?? sorted[sorted.length - 1];
};

const mean = (values: number[], from: number, to: number) => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i];
  return sum / Math.max(1, to - from);
};

/** Adjacent segments of one group become one, its weight the duration-weighted mean. */
function groupsOf(visemes: VisemeSegment[]): GroupSegment[] {
  const groups: GroupSegment[] = [];
  for (const v of visemes) {
    const mapped = GROUP_OF[v.viseme];
    if (!mapped) continue;
    const weight = v.weight * mapped.strength;
    const last = groups[groups.length - 1];
    if (last && last.group === mapped.group && Math.abs(last.t + last.d - v.t) < 0.0005) {
      const d = ms(v.t + v.d - last.t);
      last.weight = Math.round(((last.weight * last.d + weight * v.d) / d) * 100) / 100;
      last.d = d;
    } else {
      groups.push({ t: v.t, d: v.d, group: mapped.group, weight: Math.round(weight * 100) / 100 });
    }
  }
  return groups;
}

/**
 * The timeline of a recording from its frames (in order, one every 16 ms) and its
 * duration; `text`, when given, is spread over the voiced stretches as words.
 */
export function buildTimeline(
  frames: readonly AnalysedFrame[],
  durationSeconds: number,
  text?: string,
  options: TimelineOptions = DEFAULT_TIMELINE,
): SpeechTimeline {
  const n = frames.length;
  const duration = ms(durationSeconds);
  const edges = frames.map((f) => ms(Math.min(duration, Math.max(0, f.t - FRAME_HOP_SECONDS / 2))));
  edges.push(n ? ms(Math.min(duration, frames[n - 1].t + FRAME_HOP_SECONDS / 2)) : 0);
  const span = (from: number, to: number): Segment => ({
    t: edges[from],
    d: ms(edges[to] - edges[from]),
  });

  const les = frames.map((f) => f.le);
  const voicedFlags = voicedFrames(les, options.voice);
  const voice: Segment[] = [];
  for (const run of runsOf(voicedFlags)) if (run.label) voice.push(span(run.from, run.to));

  const labels = smoothLabels(
    frames.map((f) => f.viseme),
    voicedFlags,
    options.smoothFrames,
  );
  const amplitude = les.map((le) => Math.pow(10, le / 2));
  const loud = percentile95(amplitude.filter((_, i) => voicedFlags[i]));
  const minFrames = Math.max(1, Math.round(options.minVisemeSeconds / FRAME_HOP_SECONDS));
  const visemes: VisemeSegment[] = [];
  for (const run of mergeRuns(labels, minFrames)) {
    if (run.label === MODEL_VISEME_SIL) continue;
    const viseme = HEADAUDIO_VISEMES[run.label];
    if (viseme === "sil") continue;
    const level = mean(amplitude, run.from, run.to) / loud;
    const weight = VOWELS.has(viseme) ? Math.min(1, Math.max(0.3, 0.3 + 0.7 * level)) : 1;
    const segment = span(run.from, run.to);
    if (segment.d > 0) visemes.push({ ...segment, viseme, weight: Math.round(weight * 100) / 100 });
  }

  const timeline: SpeechTimeline = {
    version: TIMELINE_VERSION,
    engine: { ...HEADAUDIO_MODEL },
    durationSeconds: duration,
    voice: voice.filter((s) => s.d > 0),
    visemes,
    groups: groupsOf(visemes),
  };
  if (text !== undefined) timeline.words = spreadWords(text, timeline.voice, duration);
  return timeline;
}
