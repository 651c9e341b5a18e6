/**
 * WebVTT captions from timed words: cues of a few words on one line of at most
 * `maxLineChars` characters, a new cue after a sentence ends or at a pause, each cue
 * shown from its first word's start to its last word's end. Pure.
 */
import type { Word } from "./schema";

export interface VttOptions {
  /** Longest line (a single longer word still gets a cue of its own). */
  maxLineChars: number;
  /** A silence at least this long between two words starts a new cue. */
  pauseSeconds: number;
}

export const DEFAULT_VTT: VttOptions = { maxLineChars: 42, pauseSeconds: 0.6 };

/** `HH:MM:SS.mmm`, as WebVTT requires (hours always present). */
export function vttTimestamp(seconds: number): string {
  const total = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const h = Math.floor(total / 3600000);
  const m = Math.floor((total % 3600000) / 60000);
  const s = Math.floor((total % 60000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(total % 1000, 3)}`;
}

/** Cue text cannot hold markup or `-->`: `&`, `<` and `>` are escaped. */
const escapeCueText = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const endsSentence = (word: string) => /[.!?…。！？]["'»”’)\]]*$/u.test(word);

/** Groups words into cues. */
export function cuesOf(words: readonly Word[], options: VttOptions = DEFAULT_VTT): Word[][] {
  const cues: Word[][] = [];
  let cue: Word[] = [];
  let chars = 0;
  for (const word of words) {
    const last = cue[cue.length - 1];
    const breakHere =
      last !== undefined &&
      (chars + 1 + [...word.text].length > options.maxLineChars ||
        endsSentence(last.text) ||
        word.t - (last.t + last.d) >= options.pauseSeconds);
    if (breakHere) {
      cues.push(cue);
      cue = [];
      chars = 0;
    }
    chars += (cue.length ? 1 : 0) + [...word.text].length;
    cue.push(word);
  }
  if (cue.length) cues.push(cue);
  return cues;
}

/** A complete WebVTT file (UTF-8 text) for `words`. */
export function webVtt(words: readonly Word[], options: VttOptions = DEFAULT_VTT): string {
  const blocks = cuesOf(words, options).map((cue, i) => {
    const first = cue[0];
    const last = cue[cue.length - 1];
    const timing = `${vttTimestamp(first.t)} --> ${vttTimestamp(last.t + last.d)}`;
    return `${i + 1}\n${timing}\n${escapeCueText(cue.map((w) => w.text).join(" "))}\n`;
  });
  return ["WEBVTT\n", ...blocks].join("\n");
}
