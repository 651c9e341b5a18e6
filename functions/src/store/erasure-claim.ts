/**
 * Whether a run may claim an erasure (erasure-lifecycle.ts `claimErasure`), decided on the
 * document as read: not once it is done (the uid is gone), and not before its next
 * attempt is due unless forced (a user's own request runs at once). The lease itself
 * (a live one makes the claim busy) is the writer's rule (transition-plan.ts).
 */
import type { Erasure } from "./erasures";
import type { Lease } from "./job-shape";
import type { TransitionWrite } from "./transition-plan";

/**
 * The claim's write (one more run; due again when the new lease ends, so a run that dies
 * holding it is taken over then), or null when the erasure may not be claimed now.
 */
export function erasureClaim(
  e: Pick<Erasure, "uid" | "erasure">,
  now: Date,
  lease: Lease,
  force: boolean,
): TransitionWrite | null {
  const due = (e.erasure.nextAttemptAt?.toMillis() ?? 0) <= now.getTime();
  if (!e.uid || (!force && !due)) return null;
  return { job: { attempts: e.erasure.attempts + 1, nextAttemptAt: lease.until } };
}
