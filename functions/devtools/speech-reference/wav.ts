/** 16-bit PCM mono WAV files in and out (what espeak-ng writes, what the reference set keeps). */
import { readFileSync, writeFileSync } from "node:fs";

export interface Pcm {
  sampleRate: number;
  samples: Float32Array;
}

/** Reads a 16-bit PCM WAV (the first channel when there are several). */
export function readWav(file: string): Pcm {
  const b = readFileSync(file);
  if (b.toString("latin1", 0, 4) !== "RIFF" || b.toString("latin1", 8, 12) !== "WAVE") {
    throw new Error(`${file} is not a WAV file`);
  }
  let channels = 1;
  let sampleRate = 0;
  for (let at = 12; at + 8 <= b.length;) {
    const id = b.toString("latin1", at, at + 4);
    const size = b.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === "fmt ") {
      if (b.readUInt16LE(body) !== 1 || b.readUInt16LE(body + 14) !== 16) {
        throw new Error(`${file} is not 16-bit PCM`);
      }
      channels = b.readUInt16LE(body + 2);
      sampleRate = b.readUInt32LE(body + 4);
    } else if (id === "data") {
      const end = Math.min(b.length, body + size);
      const frames = Math.floor((end - body) / (2 * channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = b.readInt16LE(body + 2 * channels * i) / 32768;
      if (!sampleRate) throw new Error(`${file} has no fmt chunk before its data`);
      return { sampleRate, samples };
    }
    at = body + size + (size % 2);
  }
  throw new Error(`${file} has no data chunk`);
}

/** Writes mono 16-bit PCM. */
export function writeWav(file: string, { sampleRate, samples }: Pcm): void {
  const b = Buffer.alloc(44 + 2 * samples.length);
  b.write("RIFF", 0, "latin1");
  b.writeUInt32LE(36 + 2 * samples.length, 4);
  b.write("WAVEfmt ", 8, "latin1");
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36, "latin1");
  b.writeUInt32LE(2 * samples.length, 40);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    b.writeInt16LE(Math.round(s < 0 ? s * 32768 : s * 32767), 44 + 2 * i);
  }
  writeFileSync(file, b);
}
