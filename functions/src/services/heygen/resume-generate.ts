/**
 * The background half of a deferred `generate` (project-generation.ts: preparing): the
 * look was not ready within HEYGEN_LOOK_WAIT_SECONDS, so generate answered 202. Run by
 * on_project_updated the moment the project turns `preparing`, and by
 * resume_deferred_generates for a deferred generate nobody ran (its `nextAttemptAt`
 * passed: the trigger failed, or its worker died). Top to bottom: claim the project
 * (resumeDeferred: a second delivery does nothing); past DEFERRED_DEADLINE_MS after the
 * request it fails; the stored request is validated again and the consent checked again
 * (it may have been withdrawn meanwhile); then the same attempt as generate, with a
 * longer wait for the look, recorded the same way. A look still not ready defers again
 * (up to the deadline). A failure gives the reserved video back to the user's quota.
 */
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import { log } from "../../logs";
import { resumeDeferred, type ResumedClaim } from "../../store/project-deferral";
import { stalledDeferredIds } from "../../store/project-queries";
import { releaseVideo } from "../quotas/video-quota";
import {
  attemptVideo,
  failedAttempt,
  settleAttempt,
  type Attempt,
  type ClaimedRun,
} from "./attempt-video";
import { previousCreateMayExist } from "./find-lost-video";
import { requireGenerateConsent } from "./generate-consent";
import type { GenerateInput } from "./generate-steps";

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

const tooLate = () =>
  new ApiError(
    "UPSTREAM_ERROR",
    `HeyGen did not finish preparing your photo avatar within ${DEFERRED_DEADLINE_MS / 60000} minutes; try again, or with another photo.`,
  );

export async function resumeGenerate(
  app: AppContext,
  projectId: string,
  opts: ResumeOptions,
): Promise<ResumeOutcome> {
  const claim = await resumeDeferred(app.db, projectId, app.clock.now());
  if (!claim) return "not-deferred";
  const { lease, project, deferred } = claim;
  const run: ClaimedRun = {
    projectId,
    uid: project.userId,
    lease,
    // A take-over (the run before died mid-flight) or an earlier ambiguous create: a
    // video of this attempt may exist upstream; a failure keeps the attempt for its lookup.
    earlierCreateMayExist: previousCreateMayExist(project),
    request: deferred.request,
    quotaWindow: deferred.quotaWindow,
    firstDeferredAt: deferred.at.toDate(),
  };
  const settled = await settleAttempt(
    app,
    run,
    await backgroundAttempt(app, projectId, claim, opts),
  );
  if (settled.kind === "failed") {
    // Under the lease only, so the reserved video is given back once.
    if (settled.recorded) await giveBack(app, claim);
    log.warn("deferred generate failed", { projectId, code: settled.error.code });
    return "failed";
  }
  if (settled.kind === "orphaned") {
    if (settled.outcome === "deleted") await giveBack(app, claim);
    return "failed";
  }
  if (settled.kind === "deferred" || settled.kind === "defer-refused") return "deferred-again";
  // Recorded, or (the lease lost) left to the take-over, which records the same video.
  return "submitted";
}

async function backgroundAttempt(
  app: AppContext,
  projectId: string,
  claim: ResumedClaim,
  opts: ResumeOptions,
): Promise<Attempt> {
  const { project, deferred, lease } = claim;
  const pastDeadline = () =>
    app.clock.now().getTime() - deferred.at.toMillis() > DEFERRED_DEADLINE_MS;
  if (pastDeadline()) return failedAttempt(tooLate());
  let input: GenerateInput;
  try {
    input = opts.parseRequest({ ...deferred.request, projectId });
    // Nothing leaves for HeyGen without a consent that still holds now.
    await requireGenerateConsent(app, project.userId, input, project);
  } catch (err) {
    return failedAttempt(err);
  }
  const attempt = await attemptVideo(app, project.userId, input, project, lease.attempt, {
    lookWaitMs: opts.lookWaitMs,
  });
  return attempt.kind === "look-not-ready" && pastDeadline() ? failedAttempt(tooLate()) : attempt;
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

/** The video reserved by the deferred request goes back to the user's quota of that day. */
async function giveBack(app: AppContext, claim: ResumedClaim): Promise<void> {
  await releaseVideo(app, claim.project.userId, claim.deferred.quotaWindow).catch((err: unknown) =>
    log.warn("giving a reserved video back failed", { error: err }),
  );
}
