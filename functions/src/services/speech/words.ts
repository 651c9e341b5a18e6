/**
 * Words with times, when the text of a voice is known but not where each word falls:
 * the words are spread over the voiced stretches in proportion to their estimated
 * length (syllables for alphabetic words, digits for numbers, characters for
 * ideographic and other scripts), and a word never straddles a pause: it is kept in the
 * stretch that holds its middle. Pure.
 */
import type { Segment, Word } from "./schema";

/** Below this voiced time per word the stretches are ignored and the whole audio is used. */
const MIN_WORD_SECONDS = 0.05;

const ms = (s: number) => Math.round(s * 1000) / 1000;

/**
 * The words of `text` as a reader sees them: split at white space, punctuation staying
 * with its word; a token with no letter or digit (a dash, an ellipsis) joins the word
 * before it.
 */
export function wordsOf(text: string): string[] {
  const words: string[] = [];
  for (const token of text.split(/\s+/u).filter(Boolean)) {
    if (/[\p{L}\p{N}]/u.test(token) || words.length === 0) words.push(token);
    else words[words.length - 1] += ` ${token}`;
  }
  return words;
}

/** An estimate of how long a word takes to say, in syllables. */
export function wordWeight(word: string): number {
  const plain = word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  const latin = plain.replace(/[^a-z]/g, "");
  const digits = plain.replace(/[^0-9]/g, "").length;
  if (latin) {
    let syllables = latin.match(/[aeiouy]+/g)?.length ?? 1;
    if (syllables > 1 && /[^l]e$/.test(latin)) syllables--;
    return syllables + digits;
  }
  if (digits) return digits;
  const letters = [...plain].filter((c) => /\p{L}/u.test(c));
  const syllabic = letters.filter((c) =>
    /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(c),
  ).length;
  return Math.max(1, syllabic + Math.round((letters.length - syllabic) / 3));
}

/** Maps a position in voiced time (seconds of speech so far) to audio time. */
function toAudioTime(stretches: readonly Segment[], voicedAt: number): number {
  let passed = 0;
  for (const s of stretches) {
    if (voicedAt <= passed + s.d) return s.t + (voicedAt - passed);
    passed += s.d;
  }
  const last = stretches[stretches.length - 1];
  return last.t + last.d;
}

/** The stretch holding a voiced-time position. */
function stretchAt(stretches: readonly Segment[], voicedAt: number): Segment {
  let passed = 0;
  for (const s of stretches) {
    if (voicedAt < passed + s.d) return s;
    passed += s.d;
  }
  return stretches[stretches.length - 1];
}

/** The words of `text` with times inside `voiced` (sorted, non-overlapping stretches). */
export function spreadWords(
  text: string,
  voiced: readonly Segment[],
  durationSeconds: number,
): Word[] {
  const words = wordsOf(text);
  if (words.length === 0 || durationSeconds * 1000 < words.length) return [];
  const speech = voiced.reduce((sum, s) => sum + s.d, 0);
  const stretches =
    speech >= MIN_WORD_SECONDS * words.length ? voiced : [{ t: 0, d: durationSeconds }];
  const total = stretches.reduce((sum, s) => sum + s.d, 0);
  const weights = words.map(wordWeight);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const out: Word[] = [];
  let at = 0;
  words.forEach((text, i) => {
    const length = (weights[i] / weightSum) * total;
    const home = stretchAt(stretches, at + length / 2);
    const start = ms(Math.max(toAudioTime(stretches, at), home.t));
    const end = ms(Math.min(toAudioTime(stretches, at + length), home.t + home.d));
    const previousEnd = out.length ? out[out.length - 1].t + out[out.length - 1].d : 0;
    const t = Math.max(start, ms(previousEnd));
    out.push({ t, d: Math.max(0.001, ms(end - t)), text });
    at += length;
  });
  return out;
}
