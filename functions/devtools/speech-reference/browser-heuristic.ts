/**
 * The web client's lip-sync heuristic (web/src/avatar/lipsync.ts, `loudness` and
 * `VoiceDriver`), re-run over PCM so it can be scored on the reference set next to the
 * backend's timeline. Only its computation is carried over (the backend does not import
 * web code): the AnalyserNode it reads is emulated as the Web Audio spec defines it
 * (the latest `fftSize` samples; Blackman window, FFT, magnitude / fftSize, smoothed
 * over calls with `smoothingTimeConstant`, in dB), sampled once per 60 Hz render frame.
 */

export const GROUPS = ["MBP", "A", "E", "O", "U", "FV"] as const;
export type HeuristicGroup = (typeof GROUPS)[number];
export type GroupWeights = Record<HeuristicGroup, number>;

const GATE = Math.pow(10, -50 / 20);
const HOP_SECONDS = 1 / 60;
const ATTACK = 0.03;
const RELEASE = 0.1;
const ONSET_SECONDS = 0.05;
const FFT_SIZE = 2048;
const SMOOTHING = 0.3;

const zero = (): GroupWeights => ({ MBP: 0, A: 0, E: 0, O: 0, U: 0, FV: 0 });

/** `loudness`: the 95th percentile of the voiced 1/60 s hops' RMS. */
export function loudness(data: Float32Array, sampleRate: number): number {
  const hop = Math.max(1, Math.round(sampleRate * HOP_SECONDS));
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

/** In-place radix-2 FFT of (re, im). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/** An AnalyserNode over a whole recording, read at chosen times. */
class EmulatedAnalyser {
  private readonly smoothed = new Float64Array(FFT_SIZE / 2);
  private readonly blackman = Float64Array.from({ length: FFT_SIZE }, (_, i) => {
    const x = (2 * Math.PI * i) / FFT_SIZE;
    return 0.42 - 0.5 * Math.cos(x) + 0.08 * Math.cos(2 * x);
  });

  constructor(private readonly data: Float32Array) {}

  /** The `fftSize` samples that end at sample `end` (zeros before the start). */
  timeDomain(end: number): Float64Array {
    const out = new Float64Array(FFT_SIZE);
    for (let i = 0; i < FFT_SIZE; i++) {
      const at = end - FFT_SIZE + i;
      out[i] = at >= 0 && at < this.data.length ? this.data[at] : 0;
    }
    return out;
  }

  /** `getFloatFrequencyData` at sample `end`, in dB per bin. */
  frequencyDb(end: number): Float64Array {
    const re = this.timeDomain(end).map((x, i) => x * this.blackman[i]);
    const im = new Float64Array(FFT_SIZE);
    fft(re, im);
    const db = new Float64Array(FFT_SIZE / 2);
    for (let k = 0; k < FFT_SIZE / 2; k++) {
      const magnitude = Math.hypot(re[k], im[k]) / FFT_SIZE;
      this.smoothed[k] = SMOOTHING * this.smoothed[k] + (1 - SMOOTHING) * magnitude;
      db[k] = 20 * Math.log10(this.smoothed[k]);
    }
    return db;
  }
}

/** `VoiceDriver.frame` for every render frame of the recording: `[time, weights]`. */
export function runHeuristic(
  data: Float32Array,
  sampleRate: number,
): { t: number; weights: GroupWeights }[] {
  const analyser = new EmulatedAnalyser(data);
  const loud = Math.max(loudness(data, sampleRate), GATE * 2);
  const weights = zero();
  let wasSilent = true;
  let onsetLeft = 0;
  const dt = HOP_SECONDS;

  const analyse = (end: number): GroupWeights => {
    const time = analyser.timeDomain(end);
    let sum = 0;
    for (const s of time) sum += s * s;
    const rms = Math.sqrt(sum / time.length);
    const out = zero();
    if (rms < GATE) {
      wasSilent = true;
      return out;
    }
    if (wasSilent) onsetLeft = ONSET_SECONDS;
    wasSilent = false;
    const env = Math.min(1, rms / loud);
    const spectrum = analyser.frequencyDb(end);
    const hzPerBin = sampleRate / FFT_SIZE;
    const band = (lo: number, hi: number) => {
      let p = 0;
      for (let i = Math.floor(lo / hzPerBin); i < Math.min(spectrum.length, hi / hzPerBin); i++) {
        p += Math.pow(10, spectrum[i] / 10);
      }
      return p;
    };
    const low = band(200, 800);
    const mid = band(800, 1500);
    const high = band(1500, 4000);
    const hiss = band(4000, 8000);
    const total = low + mid + high + hiss || 1;
    if (onsetLeft > 0) {
      onsetLeft -= dt;
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
  };

  const frames: { t: number; weights: GroupWeights }[] = [];
  for (let t = dt; t <= data.length / sampleRate; t += dt) {
    const target = analyse(Math.round(t * sampleRate));
    for (const g of GROUPS) {
      const tau = target[g] > weights[g] ? ATTACK : RELEASE;
      weights[g] += (target[g] - weights[g]) * (1 - Math.exp(-dt / tau));
    }
    frames.push({ t, weights: { ...weights } });
  }
  return frames;
}
