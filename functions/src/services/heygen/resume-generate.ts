/**
 * The background half of a deferred `generate` (project-generation.ts: preparing): the
 * look was not ready within HEYGEN_LOOK_WAIT_SECONDS, so generate answered 202. Run by
 * on_project_updated the moment the project turns `preparing`, and by
 * resume_deferred_generates for a deferred generate nobody ran (`deferred.resumeAt`
 * passed: the trigger failed, or its worker died). It claims the project
 * (resumeDeferred: a second delivery does nothing), checks the consent again (it may
 * have been withdrawn meanwhile), and runs the same steps as generate with a longer wait
 * for the look. A look still not ready defers again, up to DEFERRED_DEADLINE_MS after
 * the request; then, like every failure, the project fails with the reason and the
 * reserved video is given back to the user's daily quota.
 */
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import { log } from "../../logs";
import {
  deferSubmit,
  failSubmit,
  resumeDeferred,
  stalledDeferredIds,
  type ResumedClaim,
} from "../../store/project-generation";
import { releaseVideo } from "../quotas/video-quota";
import { LookNotReady } from "./ensure-look";
import { requireGenerateConsent } from "./generate-consent";
import { stepError, type GenerateInput } from "./generate-steps";
import { recordSubmitted, submit, type Submitted } from "./generate-video";
import { previousCreateMayExist } from "./find-lost-video";

/** A deferred generate whose look is not ready this long after the request fails. */
export const DEFERRED_DEADLINE_MS = 30 * 60 * 1000;
/** How long the trigger's run waits for the look (its timeout is 540 s). */
export const TRIGGER_LOOK_WAIT_MS = 6 * 60 * 1000;
/** How long a take-over by resume_deferred_generates waits before it defers again. */
export const SWEEP_LOOK_WAIT_MS = 60 * 1000;

export interface ResumeOptions {
  lookWaitMs: number;
  /** The stored request, validated at the edge that runs this (handlers/deferred-generate.ts). */
  parseRequest: (raw: unknown) => GenerateInput;
}

export type ResumeOutcome = "not-deferred" | "submitted" | "deferred-again" | "failed";

export async function resumeGenerate(
  app: AppContext,
  projectId: string,
  opts: ResumeOptions,
): Promise<ResumeOutcome> {
  const claim = await resumeDeferred(app.db, projectId, app.clock.now());
  if (!claim) return "not-deferred";
  const { lease, project, deferred } = claim;
  const uid = project.userId;
  // A take-over (the worker before died mid-flight) or an earlier ambiguous create: a
  // video of this attempt may exist upstream; a failure keeps the attempt for its lookup.
  const earlierCreateMayExist = previousCreateMayExist(project);
  const fail = async (err: unknown, outcome = { createMayHaveHappened: false }) => {
    const error = stepError("prepare", err); // mapped by its step already: passed through
    const recorded = await failSubmit(app.db, projectId, lease, {
      error,
      now: app.clock.now(),
      createMayHaveHappened: outcome.createMayHaveHappened || earlierCreateMayExist,
    });
    // Under the lease only, so the reserved video is given back once.
    if (recorded) await giveBack(app, claim);
    log.warn("deferred generate failed", { projectId, code: error.code });
    return "failed" as const;
  };
  if (app.clock.now().getTime() - deferred.at > DEFERRED_DEADLINE_MS) return fail(tooLate());
  let input: GenerateInput;
  try {
    input = opts.parseRequest({ ...deferred.request, projectId });
    // Nothing leaves for HeyGen without a consent that still holds now.
    await requireGenerateConsent(app, uid, input);
  } catch (err) {
    return fail(err);
  }
  const outcome = { createMayHaveHappened: false };
  let submitted: Submitted;
  try {
    submitted = await submit(app, uid, input, project, lease.attempt, outcome, {
      lookWaitMs: opts.lookWaitMs,
      recheckConsent: true,
    });
  } catch (err) {
    if (!(err instanceof LookNotReady)) return fail(err, outcome);
    if (app.clock.now().getTime() - deferred.at > DEFERRED_DEADLINE_MS) return fail(tooLate());
    // Deferred again: on_project_updated sees preparing once more and resumes it.
    await deferSubmit(app.db, projectId, lease, {
      request: deferred.request,
      quotaWindow: deferred.quotaWindow,
      now: app.clock.now(),
      at: deferred.at,
      reuseAttempt: earlierCreateMayExist,
    });
    return "deferred-again";
  }
  // Outside the try: the video exists, so a failed write is no reason to fail the project
  // (that gave the quota back and let the next attempt bill a second video). The lease
  // then expires and the take-over records the same attempt's video (key replay or lookup).
  await recordSubmitted(app, uid, projectId, lease, submitted);
  return "submitted";
}

/**
 * resume_deferred_generates: deferred generates nobody runs (the trigger failed or its
 * worker died), oldest first, within the run's budget, each with a shorter look wait.
 */
export async function resumeStalledGenerates(
  app: AppContext,
  parseRequest: ResumeOptions["parseRequest"],
  opts: { budgetMs: number; limit?: number } = { budgetMs: 420000 },
): Promise<Record<ResumeOutcome, number>> {
  const started = Date.now();
  const counts: Record<ResumeOutcome, number> = {
    "not-deferred": 0,
    submitted: 0,
    "deferred-again": 0,
    failed: 0,
  };
  for (const id of await stalledDeferredIds(app.db, app.clock.now(), opts.limit ?? 10)) {
    // One run takes the look wait plus conversion and upload: start none that cannot end.
    if (Date.now() - started + SWEEP_LOOK_WAIT_MS + 60000 > opts.budgetMs) break;
    const outcome = await resumeGenerate(app, id, {
      lookWaitMs: SWEEP_LOOK_WAIT_MS,
      parseRequest,
    }).catch((err: unknown) => {
      log.error("resuming a deferred generate failed; the next poll retries", {
        projectId: id,
        error: err,
      });
      return "not-deferred" as const;
    });
    counts[outcome] += 1;
  }
  return counts;
}

const tooLate = () =>
  new ApiError(
    "UPSTREAM_ERROR",
    `HeyGen did not finish preparing your photo avatar within ${DEFERRED_DEADLINE_MS / 60000} minutes; try again, or with another photo.`,
  );

/** The video reserved by the deferred request goes back to the user's quota of that day. */
async function giveBack(app: AppContext, claim: ResumedClaim): Promise<void> {
  await releaseVideo(app, claim.project.userId, claim.deferred.quotaWindow).catch((err: unknown) =>
    log.warn("giving a reserved video back failed", { error: err }),
  );
}
