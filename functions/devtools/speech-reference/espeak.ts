/** espeak-ng, the Debian package, as the reference set's speaker. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readWav, type Pcm } from "./wav";

export const hasEspeak = (): boolean => spawnSync("espeak-ng", ["--version"]).status === 0;

/** Renders `text` with an espeak-ng voice (e.g. `en-us+f3`) at `wpm` words a minute. */
export function speak(text: string, voice: string, wpm = 160): Pcm {
  const dir = mkdtempSync(path.join(os.tmpdir(), "masky-espeak-"));
  try {
    const wav = path.join(dir, "out.wav");
    // The text goes in on stdin: nothing in it can be read as an option.
    execFileSync("espeak-ng", ["-v", voice, "-s", String(wpm), "-w", wav, "--stdin"], {
      input: text,
      stdio: ["pipe", "ignore", "pipe"],
    });
    return readWav(wav);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The samples between the first and last one louder than `threshold` (the sound itself). */
export function trimSilence(samples: Float32Array, threshold = 0.004): Float32Array {
  let from = 0;
  while (from < samples.length && Math.abs(samples[from]) < threshold) from++;
  let to = samples.length;
  while (to > from && Math.abs(samples[to - 1]) < threshold) to--;
  return samples.slice(from, to);
}
