/**
 * HeadAudio's viseme model: Gaussian prototypes (a mean and an inverse covariance per
 * phoneme, each labelled with a viseme id) and the classifier that picks the prototype
 * nearest to a feature vector by Mahalanobis distance, silence's distance divided by a
 * sensitivity. Ported to TypeScript from `@met4citizen/headaudio` 0.1.0
 * (`modules/classifier.mjs` and the model decoding of `modules/training.mjs`). The
 * upstream majority vote over the last six frames is not ported: the timeline smooths
 * with a centred window instead, having the whole recording.
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
const {
  MFCC_COEFF_N,
  MODEL_VISEME_SIL,
  MODEL_VISEMES_N,
  RECORD_BYTES,
  RECORD_HEADER_BYTES,
  RECORD_MU_LEN,
  RECORD_SIGMA_INV_LOWER_LEN,
} = constants;

export interface Prototype {
  /** The IPA phoneme the prototype was trained on (for inspection only). */
  phoneme: string;
  /** Viseme id in HeadAudio's order (0 = aa … 14 = sil). */
  viseme: number;
  mu: Float32Array;
  sigmaInvLower: Float32Array;
}

/** Decodes a model file (39 prototypes of 368 bytes in `model-en-mixed.bin`). */
export function parseModel(bytes: Uint8Array): Prototype[] {
  if (bytes.length === 0 || bytes.length % RECORD_BYTES !== 0) {
    throw new Error(`A viseme model is a whole number of ${RECORD_BYTES}-byte records`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const floats = (at: number, n: number) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, true);
    return out;
  };
  const model: Prototype[] = [];
  for (let at = 0; at < bytes.length; at += RECORD_BYTES) {
    const packed = view.getUint32(at);
    const [hi, lo] = [packed >>> 16, packed & 0xffff];
    const viseme = view.getUint8(at + 7);
    if (viseme >= MODEL_VISEMES_N) throw new Error(`Viseme id ${viseme} is out of range`);
    const mu = floats(at + RECORD_HEADER_BYTES, RECORD_MU_LEN);
    const sigmaInvLower = floats(
      at + RECORD_HEADER_BYTES + 4 * RECORD_MU_LEN,
      RECORD_SIGMA_INV_LOWER_LEN,
    );
    if (![...mu, ...sigmaInvLower].every(Number.isFinite)) {
      throw new Error("A viseme model holds a value that is not a finite number");
    }
    const phoneme = lo === 0 ? String.fromCodePoint(hi) : String.fromCodePoint(hi, lo);
    model.push({ phoneme, viseme, mu, sigmaInvLower });
  }
  return model;
}

/** Nearest-prototype classification of one feature vector. */
export class Classifier {
  private readonly diff = new Float32Array(MFCC_COEFF_N);
  /** `lowerIndex[i][j]`: where Σ⁻¹[i][j] sits in the packed lower triangle. */
  private readonly lowerIndex: Uint16Array[];

  /**
   * @param silSensitivity silence wins more often above 1 (its distance is divided by
   *   it); HeadAudio's default is 1.2.
   */
  constructor(
    private readonly model: readonly Prototype[],
    private readonly silSensitivity = 1.2,
  ) {
    if (model.length === 0) throw new Error("The viseme model is empty");
    this.lowerIndex = Array.from({ length: MFCC_COEFF_N }, () => new Uint16Array(MFCC_COEFF_N));
    let index = 0;
    for (let i = 0; i < MFCC_COEFF_N; i++) {
      for (let j = 0; j <= i; j++) {
        this.lowerIndex[i][j] = index;
        this.lowerIndex[j][i] = index;
        index++;
      }
    }
  }

  /** The squared Mahalanobis distance `(v−μ)ᵀ Σ⁻¹ (v−μ)`. */
  private distance(v: Float32Array, p: Prototype): number {
    const { diff, lowerIndex } = this;
    for (let i = 0; i < MFCC_COEFF_N; i++) diff[i] = v[i] - p.mu[i];
    let d = 0;
    for (let i = 0; i < MFCC_COEFF_N; i++) {
      const row = lowerIndex[i];
      const di = diff[i];
      let sum = p.sigmaInvLower[row[i]] * di * di;
      for (let j = 0; j < i; j++) sum += 2 * p.sigmaInvLower[row[j]] * di * diff[j];
      d += sum;
    }
    return d;
  }

  /** The viseme id of the nearest prototype (ties go to the later one, as upstream). */
  predict(v: Float32Array): number {
    let best = Infinity;
    let viseme = MODEL_VISEME_SIL;
    for (const p of this.model) {
      let d = this.distance(v, p);
      if (p.viseme === MODEL_VISEME_SIL) d /= this.silSensitivity;
      if (d <= best) {
        best = d;
        viseme = p.viseme;
      }
    }
    return viseme;
  }
}
