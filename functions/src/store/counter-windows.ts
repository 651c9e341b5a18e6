/**
 * The windows quota counters count in (store/counters.ts): a UTC day or a UTC minute,
 * named by its ISO prefix, with the seconds until the next one starts (a refusal's
 * Retry-After). A count stored for another window counts as 0.
 */

export interface CounterWindow {
  /** `2026-12-01` (a day) or `2026-12-01T15:20` (a minute). */
  window: string;
  /** Seconds until the next window starts, at least 1. */
  resetsInSeconds: number;
}

/** The UTC day of `at` (`2026-12-01`) and the seconds until the next one starts. */
export function dayWindow(at: Date): CounterWindow {
  const next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
  return {
    window: at.toISOString().slice(0, 10),
    resetsInSeconds: Math.max(1, Math.ceil((next - at.getTime()) / 1000)),
  };
}

/** The minute of `at` (`2026-12-01T15:20`) and the seconds until the next one. */
export function minuteWindow(at: Date): CounterWindow {
  return {
    window: at.toISOString().slice(0, 16),
    resetsInSeconds: Math.max(1, Math.ceil((60000 - (at.getTime() % 60000)) / 1000)),
  };
}

/** A stored counter's count in `window`: 0 when there is none or it counted another window. */
export const countInWindow = (
  counter: { window: string; count: number } | undefined,
  window: string,
): number => (counter?.window === window ? counter.count : 0);
