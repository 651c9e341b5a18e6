/**
 * The speech timeline's two vocabularies: Oculus' 15 visemes (as the classifier names
 * them) and the seed's six viseme groups the 3D viewer animates (MBP, A, E, O, U, FV).
 *
 * Every viseme maps to at most one group. The six that name a group map to it at full
 * strength; the other consonants borrow a group at reduced strength, so the mouth keeps
 * a plausible shape through them instead of snapping shut:
 * - SS, TH, DD, kk, nn (teeth close, lips neutral) → E at 0.4;
 * - CH (lips pushed forward) → U at 0.5;
 * - RR (r, l, w, j: often rounded in English) → O at 0.5;
 * - sil → no group (mouth at rest).
 */
import { VISEME_GROUPS, type VisemeCode } from "../avatar/blendshapes";

export type VisemeGroup = keyof typeof VISEME_GROUPS;

/** HeadAudio's viseme ids, in order (0 = aa … 14 = sil). */
export const HEADAUDIO_VISEMES: readonly VisemeCode[] = [
  "aa",
  "E",
  "I",
  "O",
  "U",
  "PP",
  "SS",
  "TH",
  "DD",
  "FF",
  "kk",
  "nn",
  "RR",
  "CH",
  "sil",
];

/** The group each viseme is drawn with, and how strongly (null: none, the mouth rests). */
export const GROUP_OF: Record<VisemeCode, { group: VisemeGroup; strength: number } | null> = {
  sil: null,
  PP: { group: "MBP", strength: 1 },
  FF: { group: "FV", strength: 1 },
  aa: { group: "A", strength: 1 },
  E: { group: "E", strength: 1 },
  I: { group: "E", strength: 1 },
  O: { group: "O", strength: 1 },
  U: { group: "U", strength: 1 },
  TH: { group: "E", strength: 0.4 },
  DD: { group: "E", strength: 0.4 },
  kk: { group: "E", strength: 0.4 },
  SS: { group: "E", strength: 0.4 },
  nn: { group: "E", strength: 0.4 },
  CH: { group: "U", strength: 0.5 },
  RR: { group: "O", strength: 0.5 },
};

/** Vowels open the jaw more when louder; consonant shapes are formed fully at any level. */
export const VOWELS: ReadonlySet<VisemeCode> = new Set(["aa", "E", "I", "O", "U"]);
