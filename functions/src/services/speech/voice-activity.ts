/**
 * Which analysis frames hold speech: HeadAudio's energy gate run over the whole
 * recording, its levels raised above the recording's own noise floor when that is
 * higher (the fixed −40/−50 dB levels sit below the hiss of most microphones: white
 * noise at −60 dBFS already reads about −38 dB here), then pauses shorter than
 * `bridgeSeconds` bridged and bursts shorter than `minSeconds` dropped.
 */
import { FRAME_HOP_SECONDS } from "./headaudio/analyser";
import { DEFAULT_VAD_GATE, VadGate, type VadGateOptions } from "./headaudio/vad-gate";

export interface VoiceActivityOptions {
  gate: VadGateOptions;
  /**
   * The gate opens at least this far above the noise floor, and closes at least half
   * as far above it (null: HeadAudio's fixed levels only).
   */
  floorMarginDb: number | null;
  /** …but opens at least this far below the recording's loud frames (speech is kept). */
  headroomDb: number;
  bridgeSeconds: number;
  minSeconds: number;
}

export const DEFAULT_VOICE_ACTIVITY: VoiceActivityOptions = {
  gate: DEFAULT_VAD_GATE,
  floorMarginDb: 12,
  headroomDb: 6,
  bridgeSeconds: 0.2,
  minSeconds: 0.05,
};

/** A percentile of the frames' energy in dB (10th: the level between words). */
export function levelDb(les: readonly number[], fraction: number): number {
  if (les.length === 0) return -100;
  const sorted = les.map((le) => 10 * le).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

/** The gate levels for this recording. */
export function gateFor(les: readonly number[], options: VoiceActivityOptions): VadGateOptions {
  const { gate, floorMarginDb, headroomDb } = options;
  if (floorMarginDb === null) return gate;
  const floor = levelDb(les, 0.1);
  const ceiling = levelDb(les, 0.95) - headroomDb;
  const activeDb = Math.max(gate.activeDb, Math.min(floor + floorMarginDb, ceiling));
  const inactiveDb = Math.max(gate.inactiveDb, Math.min(floor + floorMarginDb / 2, activeDb - 4));
  return { ...gate, activeDb, inactiveDb };
}

/** Replaces runs of `value` shorter than `minFrames` (not touching the ends when `inner`). */
function fillShortRuns(flags: boolean[], value: boolean, minFrames: number, inner: boolean) {
  let i = 0;
  while (i < flags.length) {
    if (flags[i] !== value) {
      i++;
      continue;
    }
    let j = i;
    while (j < flags.length && flags[j] === value) j++;
    const atEdge = i === 0 || j === flags.length;
    if (j - i < minFrames && !(inner && atEdge)) flags.fill(!value, i, j);
    i = j;
  }
}

/** One flag per frame: speech or not. */
export function voicedFrames(
  les: readonly number[],
  options: VoiceActivityOptions = DEFAULT_VOICE_ACTIVITY,
): boolean[] {
  const gate = new VadGate(gateFor(les, options));
  const flags = les.map((le) => gate.process(le));
  fillShortRuns(flags, false, Math.round(options.bridgeSeconds / FRAME_HOP_SECONDS), true);
  fillShortRuns(flags, true, Math.round(options.minSeconds / FRAME_HOP_SECONDS), false);
  return flags;
}
