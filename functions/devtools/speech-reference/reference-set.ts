/**
 * The reference set: syllables and words whose mouth shape is known, spoken by
 * espeak-ng in several voices, each trimmed to its sound and laid end to end with
 * silences in between, so that where every syllable starts and ends, and where the
 * silence is, is known to the sample. Regenerated on demand into .cache/ (no audio is
 * committed); the same spec and espeak-ng version reuse the cached files.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CACHE_DIR } from "../harness/paths";
import { speak, trimSilence } from "./espeak";
import { writeWav } from "./wav";

/** The classes of the set and the words that open with, or are, that shape. */
export const REFERENCE_WORDS = {
  /** Lips closed at the onset: m, p, b. */
  bilabial: ["ma", "pa", "ba", "me", "boo"],
  /** Lips rounded: /uː/. */
  rounded: ["oo", "who", "two"],
  /** Lips spread: /iː/. */
  spread: ["ee", "see", "tea"],
  /** Lower lip to upper teeth at the onset: f, v. */
  labiodental: ["fa", "va", "fee", "vee"],
  /** Jaw open: /ɑː/. */
  open: ["ah", "ha", "la"],
} as const;
export type ReferenceClass = keyof typeof REFERENCE_WORDS;
export const REFERENCE_CLASSES = Object.keys(REFERENCE_WORDS) as ReferenceClass[];

/** The other known shapes inside a word (its vowel after a consonant onset). */
const ALSO: Record<string, ReferenceClass[]> = {
  ma: ["open"],
  pa: ["open"],
  ba: ["open"],
  me: ["spread"],
  boo: ["rounded"],
  fa: ["open"],
  va: ["open"],
  fee: ["spread"],
  vee: ["spread"],
};

/** Two male and two female espeak-ng voices, American and British. */
export const REFERENCE_VOICES = ["en-us", "en-us+f3", "en-gb+m3", "en-gb+f2"];

const SAMPLE_RATE = 22050;
const LEAD_SECONDS = 0.5;
/** Pauses cycle through these, all longer than the timeline bridges (0.2 s). */
const PAUSES = [0.35, 0.5, 0.65];

export interface ReferenceItem {
  cls: ReferenceClass;
  /** Every class whose shape the word holds: its own first. */
  contains: ReferenceClass[];
  text: string;
  voice: string;
  /** Where the syllable's sound starts and how long it lasts, seconds. */
  t: number;
  d: number;
}

export interface ReferenceSet {
  wav: string;
  sampleRate: number;
  durationSeconds: number;
  items: ReferenceItem[];
  silences: { t: number; d: number }[];
}

const espeakVersion = () => execFileSync("espeak-ng", ["--version"], { encoding: "utf8" }).trim();

/** Builds the set (or reuses the cached one) and returns where everything is. */
export function referenceSet(dir = path.join(CACHE_DIR, "speech-reference")): ReferenceSet {
  const spec = JSON.stringify({
    REFERENCE_WORDS,
    ALSO,
    REFERENCE_VOICES,
    PAUSES,
    v: espeakVersion(),
  });
  const key = createHash("sha256").update(spec).digest("hex").slice(0, 12);
  const manifest = path.join(dir, `reference-${key}.json`);
  if (existsSync(manifest)) {
    const set = JSON.parse(readFileSync(manifest, "utf8")) as ReferenceSet;
    if (existsSync(set.wav)) return set;
  }
  mkdirSync(dir, { recursive: true });
  const parts: Float32Array[] = [new Float32Array(Math.round(LEAD_SECONDS * SAMPLE_RATE))];
  const items: ReferenceItem[] = [];
  const silences: { t: number; d: number }[] = [{ t: 0, d: LEAD_SECONDS }];
  let at = parts[0].length;
  let k = 0;
  for (const voice of REFERENCE_VOICES) {
    for (const cls of REFERENCE_CLASSES) {
      for (const text of REFERENCE_WORDS[cls]) {
        const pcm = speak(text, voice);
        if (pcm.sampleRate !== SAMPLE_RATE)
          throw new Error(`espeak-ng spoke at ${pcm.sampleRate} Hz`);
        const sound = trimSilence(pcm.samples);
        items.push({
          cls,
          contains: [cls, ...(ALSO[text] ?? [])],
          text,
          voice,
          t: at / SAMPLE_RATE,
          d: sound.length / SAMPLE_RATE,
        });
        parts.push(sound);
        at += sound.length;
        const pause = new Float32Array(Math.round(PAUSES[k++ % PAUSES.length] * SAMPLE_RATE));
        silences.push({ t: at / SAMPLE_RATE, d: pause.length / SAMPLE_RATE });
        parts.push(pause);
        at += pause.length;
      }
    }
  }
  const samples = new Float32Array(at);
  let offset = 0;
  for (const p of parts) {
    samples.set(p, offset);
    offset += p.length;
  }
  const wav = path.join(dir, `reference-${key}.wav`);
  writeWav(wav, { sampleRate: SAMPLE_RATE, samples });
  const set: ReferenceSet = {
    wav,
    sampleRate: SAMPLE_RATE,
    durationSeconds: at / SAMPLE_RATE,
    items,
    silences,
  };
  writeFileSync(manifest, `${JSON.stringify(set, null, 1)}\n`);
  return set;
}
