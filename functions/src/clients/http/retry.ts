/**
 * The one `Retry-After` parser and the one backoff formula of the backend: the HeyGen
 * transport, the provider clients and the sweeps (poller, avatar job sweep) all wait
 * through these, so a change of policy is made here once.
 */

/**
 * Seconds to wait from a `Retry-After` header (RFC 9110 §10.2.3): delta-seconds
 * (`120`; fractions are read too) or an HTTP-date (`Wed, 21 Oct 2026 07:28:00 GMT`),
 * counted from `nowMs`. A date in the past is 0. Absent or unreadable: undefined.
 * Node gives a repeated header as an array: the first value counts.
 */
export function parseRetryAfter(raw: unknown, nowMs: number = Date.now()): number | undefined {
  const value = Array.isArray(raw) ? (raw as unknown[])[0] : raw;
  if (typeof value === "number") return Number.isFinite(value) ? Math.max(0, value) : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!/[a-z]/i.test(text)) return undefined; // "-5", "" : neither form
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - nowMs) / 1000);
}

export interface BackoffPolicy {
  /** The first wait (attempt 0). */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
  /**
   * `half`: uniformly in [wait/2, wait], so clients that failed together do not come
   * back together; `none`: exactly the exponential wait (sweeps store it as a time).
   */
  jitter: "half" | "none";
}

/** Exponential backoff: `baseMs · 2^attempt`, capped at `capMs`, then jittered. */
export function backoffMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const wait = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt));
  return policy.jitter === "half" ? wait * (0.5 + random() * 0.5) : wait;
}

/**
 * The wait before the next try: what the upstream asked for (`Retry-After`, capped at
 * `capSeconds`) when it said so, else `fallbackMs` (usually a `backoffMs`).
 */
export function retryWaitMs(
  retryAfterSeconds: number | undefined,
  capSeconds: number,
  fallbackMs: number,
): number {
  return retryAfterSeconds !== undefined
    ? Math.min(retryAfterSeconds, capSeconds) * 1000
    : fallbackMs;
}

/**
 * The sweeps' reads of an upstream that keeps failing (HeyGen video status, provider
 * job status): 1, 2, 4 … 30 minutes apart. No jitter: the wait is stored as the next
 * check's time, and the sweeps already spread their reads.
 */
export const SWEEP_BACKOFF: BackoffPolicy = { baseMs: 60_000, capMs: 30 * 60_000, jitter: "none" };
