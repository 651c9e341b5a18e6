/**
 * HeadAudio's voice-activity gate: an energy gate with hysteresis. It opens when a
 * frame's log energy stays above the active level for `activeMs`, and closes when it
 * stays below the (lower) inactive level for `inactiveMs`. Ported to TypeScript from
 * `@met4citizen/headaudio` 0.1.0 (`modules/vadgate.mjs`).
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
import { AUDIO_SAMPLE_RATE, MFCC_SAMPLES_HOP } from "./constants";

export interface VadGateOptions {
  /** Opening level in dB of the frame's spectral energy (HeadAudio: −40). */
  activeDb: number;
  activeMs: number;
  /** Closing level in dB (HeadAudio: −50). */
  inactiveDb: number;
  inactiveMs: number;
}

export const DEFAULT_VAD_GATE: VadGateOptions = {
  activeDb: -40,
  activeMs: 10,
  inactiveDb: -50,
  inactiveMs: 10,
};

const framesFor = (ms: number) =>
  Math.max(1, Math.round((ms * (AUDIO_SAMPLE_RATE / MFCC_SAMPLES_HOP)) / 1000));

export class VadGate {
  private readonly activeLe: number;
  private readonly inactiveLe: number;
  private readonly activeFrames: number;
  private readonly inactiveFrames: number;
  private active = false;
  private preActive = 0;
  private preInactive = 0;

  constructor(options: VadGateOptions = DEFAULT_VAD_GATE) {
    this.activeLe = options.activeDb / 10;
    this.inactiveLe = options.inactiveDb / 10;
    this.activeFrames = framesFor(options.activeMs);
    this.inactiveFrames = framesFor(options.inactiveMs);
  }

  /** Feeds one frame's log10 energy; returns whether the gate is open after it. */
  process(le: number): boolean {
    if (this.active) {
      if (le < this.inactiveLe) {
        if (++this.preInactive >= this.inactiveFrames) {
          this.active = false;
          this.preActive = 0;
        }
      } else if (this.preInactive > 0) {
        this.preInactive--;
      }
    } else if (le > this.activeLe) {
      if (++this.preActive >= this.activeFrames) {
        this.active = true;
        this.preInactive = 0;
      }
    } else if (this.preActive > 0) {
      this.preActive--;
    }
    return this.active;
  }
}
