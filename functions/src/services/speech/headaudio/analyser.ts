/**
 * HeadAudio's processor without the AudioWorklet around it: mono samples at any rate
 * in, one analysed frame per 16 ms out. Pre-emphasis at the input rate, resampling to
 * 16 kHz through the upstream polyphase table (kept as it is, so the features match
 * those the model was trained on), 512-sample blocks every 256 samples, MFCC with tanh
 * compression, the frame's energy and the nearest prototype's viseme. Every frame is
 * classified: the voice-activity decision is left to the timeline, which sees the whole
 * recording (the upstream gates frames here, one at a time).
 * Ported to TypeScript from `@met4citizen/headaudio` 0.1.0 (`modules/processor.mjs`).
 * Left out: the worklet messaging, silence calibration, on-line training, deltas (off
 * upstream), and the causal majority vote (see classifier.ts).
 *
 * MIT License
 *
 * Copyright (c) 2025 Mika Suominen
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this software and associated documentation files (the "Software"), to deal
 * in the Software without restriction, including without limitation the rights
 * to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 * copies of the Software, and to permit persons to whom the Software is
 * furnished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in all
 * copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 * FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 * AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 * LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 * OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 * SOFTWARE.
 */
import * as constants from "./constants";
import { Classifier, type Prototype } from "./classifier";
import { Mfcc, REFERENCE_SPEAKER_HZ } from "./mfcc";

// Local copies: the loops below read them for every sample, and a local is the fastest read.
const {
  AUDIO_SAMPLE_RATE,
  DOWNSAMPLE_FILTER_N,
  DOWNSAMPLE_PHASE_N,
  MFCC_COEFF_N,
  MFCC_COMPRESSION_TANH_R,
  MFCC_SAMPLES_HOP,
  MFCC_SAMPLES_N,
  PREEMPHASIS_ALPHA,
} = constants;

export interface AnalyserOptions {
  /** Sample rate of the samples passed to `push`. */
  inputRate: number;
  speakerMeanHz?: number;
  silSensitivity?: number;
}

/** One 32 ms analysis window, every 16 ms. */
export interface AnalysedFrame {
  /** Centre of the window, seconds from the start of the input. */
  t: number;
  /** log10 of the window's spectral energy (×10 for dB). */
  le: number;
  /** HeadAudio viseme id of the nearest prototype. */
  viseme: number;
}

/** Seconds between frames, and the length of the window each frame describes. */
export const FRAME_HOP_SECONDS = MFCC_SAMPLES_HOP / AUDIO_SAMPLE_RATE;
export const FRAME_WINDOW_SECONDS = MFCC_SAMPLES_N / AUDIO_SAMPLE_RATE;

/** Hamming-windowed sinc phases of the upstream resampler (its cutoff and taps as is). */
function polyphaseTable(): Float32Array[] {
  const table: Float32Array[] = [];
  const mid = (DOWNSAMPLE_FILTER_N - 1) / 2;
  const cutoff = 0.45;
  for (let p = 0; p < DOWNSAMPLE_PHASE_N; p++) {
    const phase = p / DOWNSAMPLE_PHASE_N;
    const coeffs = new Float32Array(DOWNSAMPLE_FILTER_N);
    for (let i = 0; i < DOWNSAMPLE_FILTER_N; i++) {
      const x = i - mid - phase;
      const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
      coeffs[i] = sinc * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (DOWNSAMPLE_FILTER_N - 1)));
    }
    table.push(coeffs);
  }
  return table;
}

export class FrameAnalyser {
  private readonly step: number;
  private readonly phases = polyphaseTable();
  private readonly mfcc: Mfcc;
  private readonly classifier: Classifier;
  private previousInput = 0;
  private phaseAccumulator = 0;
  /** The last 32 pre-emphasised input samples, stored twice for contiguous reads. */
  private readonly taps = new Float64Array(2 * DOWNSAMPLE_FILTER_N);
  private tapAt = 0;
  /** The last 512 resampled samples, stored twice likewise. */
  private readonly window = new Float64Array(2 * MFCC_SAMPLES_N);
  private windowAt = 0;
  /** Resampled samples still needed for the next frame: a full window, then a hop. */
  private untilFrame = MFCC_SAMPLES_N;
  private sampleCount = 0;
  private readonly block = new Float32Array(MFCC_SAMPLES_N);
  private readonly features = new Float32Array(MFCC_COEFF_N);

  constructor(model: readonly Prototype[], options: AnalyserOptions) {
    if (!(options.inputRate >= AUDIO_SAMPLE_RATE)) {
      throw new Error(`The analyser needs input at ${AUDIO_SAMPLE_RATE} Hz or more`);
    }
    this.step = AUDIO_SAMPLE_RATE / options.inputRate;
    this.mfcc = new Mfcc(options.speakerMeanHz ?? REFERENCE_SPEAKER_HZ);
    this.classifier = new Classifier(model, options.silSensitivity);
  }

  /** Feeds the next samples; appends every frame they complete to `out`. */
  push(samples: Float32Array, out: AnalysedFrame[]): void {
    const { taps, window } = this;
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i];
      const emphasised = x - PREEMPHASIS_ALPHA * this.previousInput;
      this.previousInput = x;
      taps[this.tapAt] = emphasised;
      taps[this.tapAt + DOWNSAMPLE_FILTER_N] = emphasised;
      this.tapAt = (this.tapAt + 1) % DOWNSAMPLE_FILTER_N;
      this.phaseAccumulator += this.step;
      while (this.phaseAccumulator >= 1) {
        const coeffs = this.phases[Math.floor((this.phaseAccumulator - 1) * DOWNSAMPLE_PHASE_N)];
        let y = 0;
        for (let j = 0; j < DOWNSAMPLE_FILTER_N; j++) y += taps[this.tapAt + j] * coeffs[j];
        this.phaseAccumulator -= 1;
        window[this.windowAt] = y;
        window[this.windowAt + MFCC_SAMPLES_N] = y;
        this.windowAt = (this.windowAt + 1) % MFCC_SAMPLES_N;
        this.sampleCount++;
        if (--this.untilFrame === 0) {
          this.untilFrame = MFCC_SAMPLES_HOP;
          out.push(this.frame());
        }
      }
    }
  }

  private frame(): AnalysedFrame {
    const { block, features } = this;
    for (let i = 0; i < MFCC_SAMPLES_N; i++) block[i] = this.window[this.windowAt + i];
    const le = this.mfcc.compute(block, features);
    for (let j = 0; j < MFCC_COEFF_N; j++) {
      features[j] = MFCC_COMPRESSION_TANH_R * Math.tanh(features[j] / MFCC_COMPRESSION_TANH_R);
    }
    const t = this.sampleCount / AUDIO_SAMPLE_RATE - FRAME_WINDOW_SECONDS / 2;
    return { t, le, viseme: this.classifier.predict(features) };
  }
}
