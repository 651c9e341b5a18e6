/**
 * What the captions of a talking video are made of: a script's own words, or the
 * transcript the user typed for a recording; a recording without one gets none. The
 * transcript's limits are checked at the edge (`generate`'s schema). Pure.
 */
import type { CaptionsPlan } from "../../store/projects";

/** A transcript's longest length: ten minutes of fast speech (about 1,600 words). */
export const TRANSCRIPT_MAX_CHARS = 10000;

/** C0 and C1 control characters other than tab, line feed and carriage return. */
const isControl = (code: number): boolean =>
  (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
  (code >= 0x7f && code <= 0x9f);

export const hasControlCharacters = (s: string): boolean =>
  [...s].some((ch) => isControl(ch.codePointAt(0) ?? 0));

/** Characters as a reader counts them (code points, not UTF-16 units). */
export const transcriptChars = (s: string): number => [...s].length;

/** A script video is captioned with its script, a recording with its transcript if typed. */
export function captionsPlan(voice: { script?: string; transcript?: string }): CaptionsPlan {
  if (voice.script !== undefined) return { source: "script", text: voice.script };
  if (voice.transcript !== undefined && voice.transcript.trim() !== "")
    return { source: "transcript", text: voice.transcript };
  return { source: "none", text: null };
}

/** `videos/{uid}/{projectId}.vtt`: next to the archived MP4, in the user's own folder. */
export const captionsPath = (uid: string, projectId: string): string =>
  `videos/${uid}/${projectId}.vtt`;
