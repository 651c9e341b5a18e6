/**
 * Lip-sync from the audio itself, in the browser, with no model and nothing fetched:
 * the voice plays through an AnalyserNode and every frame gives
 * - the mouth opening from the RMS envelope (gated at −50 dBFS, normalised to the
 *   recording's 95th percentile, decoded once from the whole recording), and
 * - a vowel shape from four spectral bands (200–800, 800–1500, 1500–4000, 4000–8000 Hz):
 *   mid-low dominant → rounded (O), upper-mid dominant → spread (E), low only → U,
 *   hiss dominant while quiet → F/V, otherwise open (A); a voiced onset after silence
 *   closes the lips briefly (M/B/P).
 * Weights are smoothed with an asymmetric one-pole filter (30 ms attack, 100 ms release).
 * The output is per viseme group of the backend's map (MBP, A, E, O, U, FV).
 */
import type { VisemeGroup } from "../api";

export type GroupWeights = Record<VisemeGroup, number>;

const GROUPS: VisemeGroup[] = ["MBP", "A", "E", "O", "U", "FV"];
const GATE = Math.pow(10, -50 / 20);
const HOP_SECONDS = 1 / 60;
const ATTACK = 0.03;
const RELEASE = 0.1;
const ONSET_SECONDS = 0.05;

export const zeroWeights = (): GroupWeights =>
  Object.fromEntries(GROUPS.map((g) => [g, 0])) as GroupWeights;

/** The 95th percentile of the voiced hops' RMS: "loud" for this recording. */
export function loudness(buffer: AudioBuffer): number {
  const data = buffer.getChannelData(0);
  const hop = Math.max(1, Math.round(buffer.sampleRate * HOP_SECONDS));
  const rms: number[] = [];
  for (let i = 0; i + hop <= data.length; i += hop) {
    let sum = 0;
    for (let j = i; j < i + hop; j++) sum += data[j] * data[j];
    const r = Math.sqrt(sum / hop);
    if (r > GATE) rms.push(r);
  }
  if (!rms.length) return 1;
  rms.sort((a, b) => a - b);
  return rms[Math.floor(rms.length * 0.95)] ?? rms[rms.length - 1];
}

/** One playing voice and its analysis; `frame(dt)` is called by the render loop. */
export class VoiceDriver {
  private readonly analyser: AnalyserNode;
  private readonly time: Float32Array<ArrayBuffer>;
  private readonly spectrum: Float32Array<ArrayBuffer>;
  private source: AudioBufferSourceNode | null = null;
  private finish: (() => void) | null = null;
  private loud = 1;
  private wasSilent = true;
  private onsetLeft = 0;
  private weights = zeroWeights();
  playing = false;

  constructor(private readonly ctx: AudioContext) {
    this.analyser = ctx.createAnalyser();
    this.analyser.fftSize = 2048;
    this.analyser.smoothingTimeConstant = 0.3;
    this.analyser.connect(ctx.destination);
    this.time = new Float32Array(this.analyser.fftSize);
    this.spectrum = new Float32Array(this.analyser.frequencyBinCount);
  }

  /** Plays `buffer` from context time `when`; resolves when it has ended (or was stopped). */
  async play(buffer: AudioBuffer, when: number): Promise<void> {
    this.stop();
    this.loud = Math.max(loudness(buffer), GATE * 2);
    const source = this.ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(this.analyser);
    this.source = source;
    this.playing = true;
    await new Promise<void>((resolve) => {
      this.finish = resolve;
      source.onended = () => this.stop();
      source.start(when);
    });
  }

  stop(): void {
    const s = this.source;
    const finish = this.finish;
    this.source = null;
    this.finish = null;
    this.playing = false;
    finish?.();
    if (s) {
      s.onended = null;
      try {
        s.stop();
      } catch {
        /* not started */
      }
      s.disconnect();
    }
  }

  /** Back to rest at once (another source drove the mouth meanwhile). */
  reset(): void {
    this.weights = zeroWeights();
  }

  /** The smoothed viseme group weights for this frame (all zero when nothing plays). */
  frame(dt: number): GroupWeights {
    const target = this.playing ? this.analyse(dt) : zeroWeights();
    for (const g of GROUPS) {
      const tau = target[g] > this.weights[g] ? ATTACK : RELEASE;
      this.weights[g] += (target[g] - this.weights[g]) * (1 - Math.exp(-dt / tau));
    }
    return { ...this.weights };
  }

  private analyse(dt: number): GroupWeights {
    this.analyser.getFloatTimeDomainData(this.time);
    let sum = 0;
    for (const s of this.time) sum += s * s;
    const rms = Math.sqrt(sum / this.time.length);
    const out = zeroWeights();
    if (rms < GATE) {
      this.wasSilent = true;
      return out;
    }
    if (this.wasSilent) this.onsetLeft = ONSET_SECONDS;
    this.wasSilent = false;
    const env = Math.min(1, rms / this.loud);

    this.analyser.getFloatFrequencyData(this.spectrum);
    const hzPerBin = this.ctx.sampleRate / this.analyser.fftSize;
    const band = (lo: number, hi: number) => {
      let p = 0;
      for (let i = Math.floor(lo / hzPerBin); i < Math.min(this.spectrum.length, hi / hzPerBin); i++) {
        p += Math.pow(10, this.spectrum[i] / 10);
      }
      return p;
    };
    const low = band(200, 800);
    const mid = band(800, 1500);
    const high = band(1500, 4000);
    const hiss = band(4000, 8000);
    const total = low + mid + high + hiss || 1;

    if (this.onsetLeft > 0) {
      this.onsetLeft -= dt;
      out.MBP = 0.8;
      return out;
    }
    if (hiss / total > 0.4 && env < 0.5) {
      out.FV = 0.6;
      return out;
    }
    const round = Math.min(1, Math.max(0, (mid / (high + 1e-12) - 1) / 2));
    const spread = Math.min(1, Math.max(0, (high / (low + 1e-12) - 0.5) / 1.5));
    const narrow = Math.min(1, Math.max(0, (low / total - 0.7) / 0.3)) * (1 - env);
    out.O = env * round * 0.8;
    out.E = env * spread * 0.8;
    out.U = narrow * 0.6;
    out.A = env * Math.max(0.2, 1 - round - spread);
    return out;
  }
}
