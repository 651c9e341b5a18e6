/**
 * Mel-frequency cepstral coefficients of one 512-sample block at 16 kHz: Hamming
 * window, radix-2 FFT, power spectrum, 40 triangular mel filters (30–7800 Hz, warped by
 * the speaker's mean pitch), log10, DCT, lifter. Ported to TypeScript from
 * `@met4citizen/headaudio` 0.1.0 (`modules/mfcc.mjs`); the only change is that each
 * mel filter is applied over its non-zero bins only (same result, a quarter of the work).
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

// Local copies: the loops below read them for every sample, and a local is the fastest read.
const { AUDIO_SAMPLE_RATE, MFCC_COEFF_N, MFCC_LIFTER, MFCC_MEL_BANDS_N, MFCC_SAMPLES_N } =
  constants;

const N = MFCC_SAMPLES_N;
const HALF = N / 2;

/** The pitch the model's filter bank is laid out for (an average adult voice). */
export const REFERENCE_SPEAKER_HZ = 150;

interface MelFilter {
  from: number;
  weights: Float32Array;
}

export class Mfcc {
  private readonly cosSin = new Float32Array(2 * N);
  private readonly bitReversed = new Uint32Array(N);
  private readonly spectrum = new Float32Array(2 * N);
  private readonly hamming = new Float32Array(N);
  private readonly power = new Float32Array(HALF);
  private readonly melEnergies = new Float32Array(MFCC_MEL_BANDS_N);
  private readonly dct: Float32Array[] = [];
  private readonly lifter = new Float32Array(MFCC_COEFF_N);
  private melFilters: MelFilter[] = [];

  constructor(speakerMeanHz = REFERENCE_SPEAKER_HZ) {
    const theta = (-2 * Math.PI) / N;
    const bits = Math.log2(N);
    for (let i = 0; i < N; i++) {
      this.cosSin[2 * i] = Math.cos(theta * i);
      this.cosSin[2 * i + 1] = Math.sin(theta * i);
      let j = 0;
      for (let k = 0; k < bits; k++) j = (j << 1) | ((i >> k) & 1);
      this.bitReversed[i] = j;
      this.hamming[i] = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (N - 1));
    }
    const scale = Math.sqrt(2 / MFCC_MEL_BANDS_N);
    for (let i = 0; i <= MFCC_COEFF_N; i++) {
      const row = new Float32Array(MFCC_MEL_BANDS_N);
      for (let j = 0; j < MFCC_MEL_BANDS_N; j++) {
        row[j] = scale * Math.cos((Math.PI * i * (j + 0.5)) / MFCC_MEL_BANDS_N);
      }
      this.dct.push(row);
    }
    for (let i = 1; i <= MFCC_COEFF_N; i++) {
      this.lifter[i - 1] = 1 + (MFCC_LIFTER / 2) * Math.sin((Math.PI * i) / MFCC_LIFTER);
    }
    this.setSpeakerMeanHz(speakerMeanHz);
  }

  /**
   * Lays the mel filters out for a speaker's mean pitch: higher pitch stretches the
   * scale (×0.6…×1.8 of the 150 Hz reference). Above 150 Hz the upper bands pass 8 kHz
   * and stay empty, so callers keep it at 150 Hz or below.
   */
  setSpeakerMeanHz(f0: number): void {
    const warp = Math.min(Math.max(f0 / REFERENCE_SPEAKER_HZ, 0.6), 1.8);
    const mel = (f: number) => 2595 * Math.log10(1 + f / 700);
    const melInv = (m: number) => 700 * (Math.pow(10, m / 2595) - 1);
    const melLow = mel(30);
    const melRange = mel(7800) - melLow;
    const bin: number[] = [];
    for (let i = 0; i < MFCC_MEL_BANDS_N + 2; i++) {
      const m = melLow + (melRange / (MFCC_MEL_BANDS_N + 1)) * i;
      // The points are float32 upstream; rounding them the same way keeps the bins equal.
      const f = Math.fround(melInv(melLow + (m - melLow) * warp));
      bin.push(Math.floor((f / AUDIO_SAMPLE_RATE) * N));
    }
    this.melFilters = [];
    for (let i = 0; i < MFCC_MEL_BANDS_N; i++) {
      const full = new Float32Array(HALF);
      for (let k = bin[i]; k < bin[i + 1]; k++) full[k] = (k - bin[i]) / (bin[i + 1] - bin[i]);
      for (let k = bin[i + 1]; k < bin[i + 2]; k++) {
        full[k] = (bin[i + 2] - k) / (bin[i + 2] - bin[i + 1]);
      }
      const from = Math.min(bin[i], HALF);
      const to = Math.min(Math.max(bin[i + 2], from), HALF);
      this.melFilters.push({ from, weights: full.slice(from, to) });
    }
  }

  /** Windowed FFT of `block` into `this.spectrum` (interleaved re, im). */
  private hammingAndFft(block: Float32Array): void {
    const { cosSin, bitReversed, hamming, spectrum } = this;
    for (let i = 0; i < N; i++) {
      const idx = bitReversed[i];
      spectrum[2 * idx] = block[i] * hamming[i];
      spectrum[2 * idx + 1] = 0;
    }
    for (let size = 1; size < N; size <<= 1) {
      const step = size << 1;
      const delta = N / step;
      for (let k = 0; k < size; k++) {
        const twR = cosSin[2 * k * delta];
        const twI = cosSin[2 * k * delta + 1];
        for (let j = k; j < N; j += step) {
          const i0 = j << 1;
          const i1 = (j + size) << 1;
          const s1R = spectrum[i1];
          const s1I = spectrum[i1 + 1];
          const vR = s1R * twR - s1I * twI;
          const vI = s1R * twI + s1I * twR;
          const s0R = spectrum[i0];
          const s0I = spectrum[i0 + 1];
          spectrum[i0] = s0R + vR;
          spectrum[i0 + 1] = s0I + vI;
          spectrum[i1] = s0R - vR;
          spectrum[i1 + 1] = s0I - vI;
        }
      }
    }
  }

  /**
   * Writes the 12 coefficients of `block` (512 samples) into `out` and returns the
   * block's log10 energy (the voice-activity gate works on it).
   */
  compute(block: Float32Array, out: Float32Array): number {
    this.hammingAndFft(block);
    const { spectrum, power } = this;
    let total = 0;
    for (let k = 0; k < HALF; k++) {
      const re = spectrum[2 * k];
      const im = spectrum[2 * k + 1];
      power[k] = (re * re + im * im) / N;
      total += power[k];
    }
    for (let m = 0; m < MFCC_MEL_BANDS_N; m++) {
      const { from, weights } = this.melFilters[m];
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += power[from + k] * weights[k];
      this.melEnergies[m] = Math.log10(sum + 1e-10);
    }
    for (let i = 0; i < MFCC_COEFF_N; i++) {
      const row = this.dct[i + 1];
      let sum = 0;
      for (let j = 0; j < MFCC_MEL_BANDS_N; j++) sum += row[j] * this.melEnergies[j];
      out[i] = sum * this.lifter[i];
    }
    return Math.log10(total + 1e-10);
  }
}
