/**
 * One due job's next step in the sweep (advance-jobs.ts), decided top to bottom:
 *
 * - queued: past its deadline it fails, else it is submitted (submit-job.ts, which
 *   checks the consent before the selfie leaves);
 * - processing: without the owner's consent it is cancelled before any provider call;
 *   past its deadline it fails; without the provider's id its submission died (the
 *   submission's lease ended); made by a provider this service no longer uses it waits
 *   for its deadline (only that provider knows the id); else the provider is asked:
 *   done → finalize-job.ts, error → it fails, otherwise the progress is recorded. A
 *   failed read backs off (1, 2, 4 … 30 minutes); a refusal (401/403) ends it only when
 *   the next read confirms it.
 *
 * Every transition is handed the job as the sweep's query read it, so none reads it again.
 */
import type { AppContext } from "../../context";
import { ProviderError, type PhotorealProvider } from "../../clients/providers";
import { backoffMs, SWEEP_BACKOFF } from "../../clients/http/retry";
import { log } from "../../logs";
import { CONSENT_CANCELLED_MESSAGE, type AvatarJob } from "../../store/avatar-jobs";
import { endJob, recordCheck, scheduleCheck, type JobRead } from "../../store/avatar-job-lifecycle";
import type { JobError } from "../../store/job-shape";
import { finalizeJob } from "./finalize-job";
import { deleteSelfie } from "./selfie";
import { submitAvatarJob, userMessage } from "./submit-job";

export interface Sweep {
  app: AppContext;
  provider: PhotorealProvider;
  /** When the sweep started: the jobs due by then are its work. */
  now: Date;
  deadlineMs: number;
  hasConsent(uid: string): Promise<boolean>;
}

export type Outcome =
  | "submitted"
  | "requeued"
  | "cancelled"
  | "failed"
  | "done"
  | "progressed"
  | "checked"
  | "retry"
  | "waiting"
  | "skipped";

/** What a visit did, and whether it asked the provider for the job's status. */
export interface JobOutcome {
  outcome: Outcome;
  asked: boolean;
}

const outcome = (o: Outcome, asked = false): JobOutcome => ({ outcome: o, asked });

/** A job is due again at the latest just after its deadline, where it ends. */
const dueBy = (s: Sweep, job: AvatarJob) => job.created_at.toMillis() + s.deadlineMs + 1000;
const capped = (s: Sweep, job: AvatarJob, ms: number) => new Date(Math.min(ms, dueBy(s, job)));
const overdue = (s: Sweep, job: AvatarJob) =>
  s.now.getTime() - job.created_at.toMillis() > s.deadlineMs;

export async function advanceJob(s: Sweep, jobId: string, read: JobRead): Promise<JobOutcome> {
  const job = read.data;
  const deadline = `The avatar took longer than ${s.deadlineMs / 60000} minutes; try again.`;
  if (job.job.state === "queued") {
    // A job the provider never accepted (rate limited again and again) ends by its deadline too.
    if (overdue(s, job))
      return end(s, jobId, "fail", { code: "DEADLINE", message: deadline }, read);
    return outcome(await submitAvatarJob(s.app, jobId, s.provider, read));
  }
  if (!(await s.hasConsent(job.user_id))) {
    const error = { code: "CANCELLED", message: CONSENT_CANCELLED_MESSAGE };
    return end(s, jobId, "cancel", error, read);
  }
  const foreign = job.provider !== s.provider.name;
  if (overdue(s, job)) {
    const message = foreign
      ? `This avatar was being made by ${job.provider}, which this service no longer uses; create a new job.`
      : deadline;
    return end(s, jobId, "fail", { code: "DEADLINE", message }, read);
  }
  if (!job.provider_job_id) {
    const message = "The submission to the avatar provider was interrupted; create a new job.";
    return end(s, jobId, "fail", { code: "SUBMISSION_INTERRUPTED", message }, read);
  }
  if (foreign) {
    await scheduleCheck(s.app.db, jobId, { at: new Date(dueBy(s, job)), now: s.now }, read);
    return outcome("waiting");
  }
  return checkStatus(s, jobId, job.provider_job_id, read);
}

async function checkStatus(
  s: Sweep,
  jobId: string,
  providerJobId: string,
  read: JobRead,
): Promise<JobOutcome> {
  try {
    const status = await s.provider.status(providerJobId);
    if (status.state === "error") {
      const message = status.error ?? "The avatar provider could not make this avatar.";
      return {
        ...(await end(s, jobId, "fail", { code: "PROVIDER_FAILED", message }, read)),
        asked: true,
      };
    }
    if (status.state === "done")
      return outcome(await finalizeJob(s.app, s.provider, jobId, providerJobId, read), true);
    const rose = await recordCheck(s.app.db, jobId, status.progress, s.now, read);
    return outcome(rose ? "progressed" : "checked", true);
  } catch (err) {
    return outcome(await readFailed(s, jobId, err, read), true);
  }
}

async function readFailed(s: Sweep, jobId: string, err: unknown, read: JobRead): Promise<Outcome> {
  const job = read.data;
  const now = s.now.getTime();
  if (err instanceof ProviderError && err.kind === "unauthorized" && !job.job.authFailures) {
    const next = { at: capped(s, job, now + 60000), now: s.now, authFailures: 1 };
    await scheduleCheck(s.app.db, jobId, next, read);
    log.warn("avatar job status refused once; read again later", { jobId });
    return "retry";
  }
  if (err instanceof ProviderError && !err.transient) {
    const error = { code: `PROVIDER_${err.kind.toUpperCase()}`, message: userMessage(err) };
    return (await end(s, jobId, "fail", error, read)).outcome;
  }
  const failures = job.job.readFailures + 1;
  const waitMs = backoffMs(failures - 1, SWEEP_BACKOFF);
  const next = { at: capped(s, job, now + waitMs), now: s.now, readFailures: failures };
  await scheduleCheck(s.app.db, jobId, next, read);
  log.warn("avatar job status unavailable; retried later", {
    jobId,
    waitMin: waitMs / 60000,
    error: err,
  });
  return "retry";
}

async function end(
  s: Sweep,
  jobId: string,
  event: "fail" | "cancel",
  error: JobError,
  read: JobRead,
): Promise<JobOutcome> {
  const ended = await endJob(s.app.db, jobId, event, error, s.app.clock.now(), read);
  // No job needs the selfie once it has ended, whichever way (retention).
  if (ended.selfiePath) await deleteSelfie(s.app, ended.selfiePath);
  if (!ended.ended) return outcome("skipped");
  return outcome(event === "fail" ? "failed" : "cancelled");
}
