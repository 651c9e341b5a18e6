/**
 * The fixed parameters of HeadAudio's feature pipeline and model format, ported to
 * TypeScript from `@met4citizen/headaudio` 0.1.0 (`modules/parameters.mjs`). The model
 * was trained with exactly these values, so none of them is configurable.
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

/** The analysis rate: input is resampled to it before framing. */
export const AUDIO_SAMPLE_RATE = 16000;
/** Taps per phase and phases of the polyphase low-pass used to resample. */
export const DOWNSAMPLE_FILTER_N = 32;
export const DOWNSAMPLE_PHASE_N = 64;
/** Pre-emphasis `y[n] = x[n] − α·x[n−1]`, applied at the input rate. */
export const PREEMPHASIS_ALPHA = 0.97;

/** One feature vector per 512 samples (32 ms), every 256 samples (16 ms). */
export const MFCC_SAMPLES_N = 512;
export const MFCC_SAMPLES_HOP = 256;
/** Cepstral coefficients kept (c1…c12; c0 is dropped), mel bands, lifter. */
export const MFCC_COEFF_N = 12;
export const MFCC_MEL_BANDS_N = 40;
export const MFCC_LIFTER = 22;
/** Each coefficient is compressed with `r·tanh(c/r)`. */
export const MFCC_COMPRESSION_TANH_R = 1.0;

/** Visemes in the model and the id of silence among them. */
export const MODEL_VISEMES_N = 15;
export const MODEL_VISEME_SIL = 14;

/**
 * One prototype in the model file: an 8-byte header (phoneme as two UTF-16 units,
 * group at byte 5, viseme id at byte 7), the mean (12 float32) and the lower triangle of
 * the inverse covariance (78 float32), big-endian header and little-endian floats.
 */
export const RECORD_HEADER_BYTES = 8;
export const RECORD_MU_LEN = MFCC_COEFF_N;
export const RECORD_SIGMA_INV_LOWER_LEN = (MFCC_COEFF_N * (MFCC_COEFF_N + 1)) / 2;
export const RECORD_BYTES = RECORD_HEADER_BYTES + 4 * (RECORD_MU_LEN + RECORD_SIGMA_INV_LOWER_LEN);
