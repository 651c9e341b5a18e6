/**
 * `advance_avatar_jobs` (scheduled every minute): one query takes the jobs that are due
 * (queued jobs the trigger could not submit, processing jobs whose next status read has
 * come, finalisations whose lease ended), the longest waiting first, page by page within
 * the budget; each is moved one step by advance-job.ts. A job backing off waits with a
 * later `nextAttemptAt` and never holds a new one back; no job's next attempt is after
 * its deadline, so the same query also ends overdue jobs.
 *
 * Why a scheduler rather than a task queue: a job needs many polls over minutes, a
 * lost task would strand it, and one bounded sweep per minute is easy to reason
 * about; the sweep itself is idempotent (asset id = job id, claims with leases).
 */
import type { QueryDocumentSnapshot } from "firebase-admin/firestore";
import type { AppContext } from "../../context";
import type { PhotorealProvider } from "../../clients/providers";
import { log } from "../../logs";
import { dueJobs, type AvatarJob } from "../../store/avatar-jobs";
import { missingConsent } from "../consent/guard";
import { advanceJob, type JobOutcome, type Sweep } from "./advance-job";
import { providerFor } from "./submit-job";

export { assetStorageKey } from "./finalize-job";

export interface AdvanceReport {
  /** Jobs whose status the provider was asked for. */
  checked: number;
  progressed: number;
  done: number;
  failed: number;
  submitted: number;
  cancelled: number;
  transientErrors: number;
}

function tally(report: AdvanceReport, { outcome, asked }: JobOutcome): void {
  if (asked) report.checked++;
  if (outcome === "progressed") report.progressed++;
  if (outcome === "done") report.done++;
  if (outcome === "failed") report.failed++;
  if (outcome === "submitted") report.submitted++;
  if (outcome === "cancelled") report.cancelled++;
  if (outcome === "retry") report.transientErrors++;
}

/** The sweep's context: consent is read once per user per sweep. */
function sweepOf(app: AppContext, provider: PhotorealProvider): Sweep {
  const consentOk = new Map<string, Promise<boolean>>();
  return {
    app,
    provider,
    now: app.clock.now(),
    deadlineMs: app.config.provider.jobDeadlineMinutes * 60000,
    hasConsent(uid) {
      let known = consentOk.get(uid);
      if (!known) {
        known = missingConsent(app, uid, ["avatar_3d"]).then((m) => m.length === 0);
        consentOk.set(uid, known);
      }
      return known;
    },
  };
}

export async function advanceAvatarJobs(
  app: AppContext,
  opts: { budgetMs: number; provider?: PhotorealProvider; batchSize?: number },
): Promise<AdvanceReport> {
  const started = Date.now();
  const sweep = sweepOf(app, opts.provider ?? providerFor(app));
  const report: AdvanceReport = {
    checked: 0,
    progressed: 0,
    done: 0,
    failed: 0,
    submitted: 0,
    cancelled: 0,
    transientErrors: 0,
  };
  const outOfTime = () => Date.now() - started > opts.budgetMs;
  let after: QueryDocumentSnapshot<AvatarJob> | null = null;
  do {
    const page = await dueJobs(app.db, sweep.now, opts.batchSize ?? 100, after);
    for (const { id, read } of page.jobs) {
      if (outOfTime()) break;
      tally(report, await advanceJob(sweep, id, read));
    }
    after = page.next;
  } while (after && !outOfTime());
  log.info("avatar job sweep finished", { ...report, ms: Date.now() - started });
  return report;
}
