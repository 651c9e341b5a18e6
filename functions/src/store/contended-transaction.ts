/**
 * Transactions on hot documents (counters, locks, leases) under contention. Firestore
 * aborts a transaction that contends with another: in production the Admin SDK retries
 * ABORTED up to 5 times and then gives up with ABORTED ("too much contention"); the
 * emulator aborts contenders (wound-wait) so that the dead transaction's next call
 * fails INVALID_ARGUMENT "Transaction is invalid or closed", which the SDK does not
 * retry at all. Both forms are contention, never a fault of the request: each is
 * retried here with one bounded, jittered policy, and if contention persists the
 * caller gets 429 RATE_LIMITED with a Retry-After, never a 500.
 */
import type { Firestore, Transaction } from "firebase-admin/firestore";
import { backoffMs, type BackoffPolicy } from "../clients/http/retry";
import { ApiError } from "../errors";
import { log } from "../logs";

export interface ContentionPolicy extends BackoffPolicy {
  /** Transactions started in all (each runs the SDK's own ABORTED retries). */
  attempts: number;
}

export const CONTENTION_POLICY: ContentionPolicy = {
  attempts: 6,
  baseMs: 40,
  capMs: 800,
  jitter: "half",
};

/** gRPC status codes of the two forms. */
const ABORTED = 10;
const INVALID_ARGUMENT = 3;

/** Whether a failed transaction lost to contention (and a new one may succeed). */
export function isContention(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e.code !== "number") return false;
  const message = typeof e.message === "string" ? e.message : "";
  if (e.code === ABORTED) return true;
  return (
    e.code === INVALID_ARGUMENT && /transaction (is invalid or closed|has expired)/i.test(message)
  );
}

/** The answer when contention outlasts the policy: retryable, with when to retry. */
export function contentionError(cause: unknown): ApiError {
  return new ApiError(
    "RATE_LIMITED",
    "Too many requests are changing the same data at once; try again in a moment.",
    { cause, headers: { "Retry-After": "1" } },
  );
}

/** `db.runTransaction(fn)`, retried on contention (see the file's comment). */
export async function runContended<T>(
  db: Firestore,
  fn: (tx: Transaction) => Promise<T>,
  policy: ContentionPolicy = CONTENTION_POLICY,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.runTransaction(fn);
    } catch (err) {
      if (!isContention(err)) throw err;
      if (attempt + 1 >= policy.attempts) {
        log.warn("transaction contention persisted; answered retryable", { attempts: attempt + 1 });
        throw contentionError(err);
      }
      await sleep(backoffMs(attempt, policy));
    }
  }
}
