/**
 * Runs the backend's speech timeline and the browser heuristic over the reference set
 * and scores both, clean and with white noise added at −50 dBFS (a quiet room through a
 * cheap microphone); measures the timeline's CPU time per second of audio, and the wall
 * time of a whole timeline (decode included) for ten seconds of continuous speech.
 */
import path from "node:path";
import { decodePcm } from "../../src/services/speech/decode";
import { speechTimeline, timelineFromPcm } from "../../src/services/speech/compute";
import type { SpeechTimeline } from "../../src/services/speech/schema";
import { CACHE_DIR } from "../harness/paths";
import { runHeuristic, GROUPS } from "./browser-heuristic";
import { speak } from "./espeak";
import { referenceSet, type ReferenceClass, type ReferenceSet } from "./reference-set";
import { scoreReference, type LabelAt, type ReferenceScores } from "./score";
import { writeWav } from "./wav";

/** The rate both are run at (a browser's usual AudioContext rate). */
const RATE = 48000;

/** What counts as the right shape: visemes for the timeline, groups for the heuristic. */
const TIMELINE_EXPECTS: Record<ReferenceClass, string[]> = {
  bilabial: ["PP"],
  rounded: ["U"],
  spread: ["I", "E"],
  labiodental: ["FF"],
  open: ["aa"],
};
const HEURISTIC_EXPECTS: Record<ReferenceClass, string[]> = {
  bilabial: ["MBP"],
  rounded: ["U"],
  spread: ["E"],
  labiodental: ["FV"],
  open: ["A"],
};
/** Below this weight the heuristic's mouth is at rest (the web tests' idle bound). */
const HEURISTIC_REST = 0.05;
const NOISE_DBFS = -50;

const TEN_SECONDS_TEXT =
  "Hello, this is my avatar speaking. It reads what I typed, and its lips follow " +
  "every word: open vowels, rounded ones, and the closed lips of a b or an m. " +
  "Thank you for listening to me.";

export interface ReferenceReport {
  timeline: ReferenceScores;
  browser: ReferenceScores;
  /** The same set with white noise at −50 dBFS added. */
  noisy: { timeline: ReferenceScores; browser: ReferenceScores };
  /** Timeline CPU per second of audio (decoded PCM in, timeline out; median of 3). */
  msPerAudioSecond: number;
  audioSeconds: number;
  tenSeconds: { audioSeconds: number; wallMs: number; words: number };
}

async function decodeAll(file: string): Promise<Float32Array> {
  const chunks: Float32Array[] = [];
  for await (const c of decodePcm(file, "audio/wav", {
    sampleRate: RATE,
    maxSeconds: 600,
    timeoutMs: 120000,
  })) {
    chunks.push(c);
  }
  const all = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/** What the timeline shows at a time: the viseme of the segment there, if any. */
export function timelineLabels(timeline: SpeechTimeline): LabelAt {
  const segments = timeline.visemes;
  return (t) => {
    let lo = 0;
    let hi = segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = segments[mid];
      if (t < s.t) hi = mid - 1;
      else if (t >= s.t + s.d) lo = mid + 1;
      else return s.viseme;
    }
    return null;
  };
}

/** What the heuristic shows at a time: its strongest group, or rest. */
function heuristicLabels(frames: ReturnType<typeof runHeuristic>): LabelAt {
  return (t) => {
    const frame = frames[Math.min(frames.length - 1, Math.max(0, Math.floor(t * 60) - 1))];
    let best: (typeof GROUPS)[number] = "A";
    for (const g of GROUPS) if (frame.weights[g] > frame.weights[best]) best = g;
    return frame.weights[best] < HEURISTIC_REST ? null : best;
  };
}

const chunked = function* (data: Float32Array, size = 4096) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
};

/** `pcm` plus uniform white noise of the given RMS level (a fixed seed: repeatable). */
function withNoise(pcm: Float32Array, dbfs: number): Float32Array {
  const amplitude = Math.pow(10, dbfs / 20) * Math.sqrt(3);
  let seed = 1;
  return pcm.map((x) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return x + ((seed / 2147483648) * 2 - 1) * amplitude;
  });
}

async function scoreBoth(set: ReferenceSet, pcm: Float32Array) {
  const timeline = await timelineFromPcm(chunked(pcm), RATE);
  return {
    timeline: scoreReference(set, timelineLabels(timeline), TIMELINE_EXPECTS),
    browser: scoreReference(set, heuristicLabels(runHeuristic(pcm, RATE)), HEURISTIC_EXPECTS),
  };
}

export async function measureReference(
  set: ReferenceSet = referenceSet(),
): Promise<ReferenceReport> {
  const pcm = await decodeAll(set.wav);
  const audioSeconds = pcm.length / RATE;
  const cpu: number[] = [];
  for (let round = 0; round < 3; round++) {
    const before = process.cpuUsage();
    await timelineFromPcm(chunked(pcm), RATE);
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000 / audioSeconds);
  }
  cpu.sort((a, b) => a - b);
  const clean = await scoreBoth(set, pcm);
  const noisy = await scoreBoth(set, withNoise(pcm, NOISE_DBFS));

  const speech = speak(TEN_SECONDS_TEXT, "en-us");
  const wav = path.join(CACHE_DIR, "speech-reference", "ten-seconds.wav");
  writeWav(wav, speech);
  const started = performance.now();
  const ten = await speechTimeline(wav, "audio/wav", { text: TEN_SECONDS_TEXT });
  const wallMs = performance.now() - started;
  return {
    ...clean,
    noisy,
    msPerAudioSecond: cpu[1],
    audioSeconds,
    tenSeconds: {
      audioSeconds: speech.samples.length / speech.sampleRate,
      wallMs,
      words: ten.words?.length ?? 0,
    },
  };
}
