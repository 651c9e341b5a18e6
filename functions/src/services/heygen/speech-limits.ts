/**
 * Limits of HeyGen's text-to-speech input, from HeyGen's API references for v2
 * (Create Avatar Video, the text voice) and v3 (Create Video, `voice_settings`). Where
 * their sources conflict, the intersection is used.
 */

/** Both API versions: a script (legacy `input_text`) of at most 5,000 characters. */
export const SCRIPT_MAX_CHARS = 5000;

/**
 * Legacy sources conflict (speed 0.5–2.0 and pitch −20..20, or 0.5–1.5 and −50..50);
 * v3 says 0.5–1.5 and −50..50. Every source accepts speed 0.5–1.5 and pitch −20..20.
 */
export const SPEED_RANGE = { min: 0.5, max: 1.5 } as const;
export const PITCH_RANGE = { min: -20, max: 20 } as const;

/** Characters as a reader counts them (code points, not UTF-16 units). */
export const scriptChars = (s: string): number => [...s].length;
