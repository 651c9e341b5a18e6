/**
 * Account erasure: `DELETE /api/me` and the Auth account's deletion start the same
 * durable erasure (one document per user, erasures/{hash(uid)}). A run claims it
 * with a lease (overlapping runs never work at once), does the steps not yet done
 * (erasure-steps.ts) and records each one; a failure is recorded with the next
 * attempt time (1, 5, 15, 60, 180, 360 minutes) and `advance_erasures` resumes it.
 * When every step is done the uid is removed: the tombstone remains. What is left, when a
 * retry is due and what is counted are decided in erasure-plan.ts.
 */
import type { AppContext } from "../../context";
import { notFound } from "../../errors";
import { log } from "../../logs";
import {
  ERASURE_STEPS,
  erasureIdFor,
  getErasure,
  openErasureIds,
  type ErasureState,
} from "../../store/erasures";
import {
  claimErasure,
  completeErasure,
  createErasure,
  recordErasureStep,
  scheduleErasureRetry,
} from "../../store/erasure-lifecycle";
import { erasureRetry, mergeCounts, stepsLeft } from "./erasure-plan";
import { runErasureStep } from "./erasure-steps";

/** Creates the user's erasure once; a second request answers the same id. */
export async function requestErasure(
  app: AppContext,
  uid: string,
  requestedBy: "user" | "auth_delete",
): Promise<{ erasureId: string; created: boolean }> {
  const erasureId = erasureIdFor(uid);
  const created = await createErasure(app.db, erasureId, {
    uid,
    requestedBy,
    now: app.clock.now(),
  });
  if (created) log.info("erasure requested", { erasureId, requestedBy });
  return { erasureId, created };
}

/** Runs what is left of one erasure, unless another run holds it or it is not due. */
export async function runErasure(
  app: AppContext,
  erasureId: string,
  opts: { force?: boolean } = {},
): Promise<ErasureState | "busy"> {
  const claim = await claimErasure(app.db, erasureId, app.clock.now(), opts);
  if (!claim) return "busy";
  const { erasure: claimed, uid, lease } = claim;
  const counts = claimed.counts;
  for (const step of stepsLeft(claimed.steps)) {
    try {
      mergeCounts(counts, await runErasureStep(app, uid, step));
    } catch (err) {
      const now = app.clock.now();
      const retry = erasureRetry(claimed.erasure.attempts, now);
      await scheduleErasureRetry(app.db, lease, {
        step,
        message: (err as Error).message,
        nextAttemptAt: retry.at,
        now,
      });
      log.warn("erasure step failed; retried later", { erasureId, step, delayMin: retry.delayMin });
      return "retrying";
    }
    // A run whose lease was taken over stops here: the newer run carries on.
    if (!(await recordErasureStep(app.db, lease, step, counts, app.clock.now()))) return "busy";
  }
  // The tombstone: no uid, only times and counts.
  if (!(await completeErasure(app.db, lease, app.clock.now()))) return "busy";
  log.info("erasure done", { erasureId });
  return "done";
}

/** `advance_erasures` (scheduled): every erasure not done whose next attempt is due. */
export async function advanceErasures(
  app: AppContext,
  opts: { budgetMs: number },
): Promise<{ done: number; retrying: number }> {
  const started = Date.now();
  const report = { done: 0, retrying: 0 };
  for (const id of await openErasureIds(app.db, 50)) {
    if (Date.now() - started > opts.budgetMs) break;
    const outcome = await runErasure(app, id);
    if (outcome === "done") report.done++;
    if (outcome === "retrying") report.retrying++;
  }
  return report;
}

/** `GET /api/me/erasure`: the caller's erasure, readable until the Auth user is gone. */
export async function erasureStatus(app: AppContext, uid: string) {
  const erasureId = erasureIdFor(uid);
  const e = await getErasure(app.db, erasureId);
  if (!e) throw notFound("An erasure of this account");
  const run = e.erasure;
  return {
    erasureId,
    status: run.state,
    requestedAt: e.requestedAt.toDate().toISOString(),
    steps: Object.fromEntries(
      ERASURE_STEPS.map((s) => [s, e.steps[s]?.toDate().toISOString() ?? null]),
    ),
    attempts: run.attempts,
    nextAttemptAt: run.nextAttemptAt?.toDate().toISOString() ?? null,
    lastError: run.error ? `${run.error.code}: ${run.error.message}` : null,
    counts: e.counts,
  };
}
