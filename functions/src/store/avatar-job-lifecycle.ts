/**
 * The avatar job lifecycle (`avatar_jobs.job`, mirrored to `status`): queued →
 * processing → done | error | cancelled. The submission holds a lease until the
 * provider's id is recorded; the finalisation (download, GLB, asset) holds one too, its
 * transitions in avatar-job-finalization.ts. Every
 * write goes through leasedTransition; the sweep hands it the job as its query read it,
 * so a transition costs no second read unless the job changed meanwhile.
 */
import type { Firestore, Transaction } from "firebase-admin/firestore";
import {
  avatarJobRunSchema,
  avatarJobSchema,
  jobRef,
  JOB_STATES,
  keepProviderJobId,
  OPEN_JOB_STATUSES,
  TERMINAL_JOB_STATUSES,
  type AvatarJob,
  type JobState,
} from "./avatar-jobs";
import { at, newLease, type JobError, type Lease } from "./job-shape";
import {
  leasedTransition,
  startedJob,
  type ReadDoc,
  type StoredMachine,
} from "./leased-transition";

const SWEEP = "advance-jobs.ts";
const SUBMIT = "submit-job.ts";
const loop = (event: string, fn: string, lease?: "take" | "release") => ({
  from: "processing" as const,
  event,
  to: "processing" as const,
  ...(lease ? { lease } : {}),
  fn,
  by: SWEEP,
});

/** The top-level fields the seed names, mirrored from the run by every transition. */
function jobMirrors(after: AvatarJob, _before: AvatarJob, now: Date) {
  return {
    status: after.job.state,
    attempts: after.job.attempts,
    error: after.job.error?.message ?? null,
    updated_at: now,
  };
}

export const jobMachine: StoredMachine<JobState, AvatarJob> = {
  name: "avatar job",
  collection: "avatar_jobs",
  schema: avatarJobSchema,
  field: "job",
  logKey: "jobId",
  initial: "none",
  states: JOB_STATES,
  terminal: TERMINAL_JOB_STATUSES,
  reopen: [],
  of: (j) => j.job,
  mirrors: jobMirrors,
  transitions: [
    { from: "none", event: "create", to: "queued", fn: "newQueuedJob", by: "create-job.ts" },
    {
      from: "queued",
      event: "claim",
      to: "processing",
      lease: "take",
      fn: "claimJobSubmit",
      by: `${SUBMIT} (trigger, sweep)`,
    },
    { ...loop("submitted", "recordProviderJob", "release"), by: SUBMIT },
    {
      from: "processing",
      event: "requeue",
      to: "queued",
      lease: "release",
      fn: "requeueJob",
      by: SUBMIT,
    },
    loop("checked", "recordCheck"),
    loop("backoff", "scheduleCheck"),
    loop("finalize", "claimFinalize", "take"),
    loop("release", "releaseFinalize", "release"),
    {
      from: "processing",
      event: "done",
      to: "done",
      lease: "release",
      fn: "markJobDone",
      by: "finalize-job.ts",
    },
    ...OPEN_JOB_STATUSES.flatMap((from) => [
      {
        from,
        event: "fail",
        to: "error" as const,
        lease: "clear" as const,
        fn: "failJob",
        by: `${SUBMIT}, ${SWEEP}, finalize-job.ts`,
      },
      {
        from,
        event: "cancel",
        to: "cancelled" as const,
        lease: "clear" as const,
        // The submission's claim and record cancel too, when consent is gone.
        fn: "cancelJob, claimJobSubmit, recordProviderJob",
        by: `${SUBMIT}, ${SWEEP}, privacy/remove-avatar-3d.ts`,
      },
    ]),
  ],
};

/** Longer than the trigger's timeout: a submission still without the provider's id after it died. */
export const SUBMIT_LEASE_MS = 10 * 60 * 1000;
/** A queued job is the trigger's first: the sweep submits it only this long after. */
export const QUEUED_PICKUP_MS = 60 * 1000;

/** The document of a new job (none → queued), for the transaction that admits it. */
export function newQueuedJob(fields: {
  user_id: string;
  provider: string;
  options: AvatarJob["options"];
  selfie_path: string;
  now: Date;
}): AvatarJob {
  const { now, ...rest } = fields;
  const run = startedJob(jobMachine, "create", now, {
    nextAttemptAt: new Date(now.getTime() + QUEUED_PICKUP_MS),
  });
  const job = avatarJobRunSchema.parse(run);
  return {
    ...rest,
    provider_job_id: null,
    status: job.state,
    progress: 0,
    asset_id: null,
    error: null,
    action: null,
    attempts: job.attempts,
    created_at: at(now),
    updated_at: at(now),
    provider_deleted_at: null,
    job,
  };
}

/** The job as a query or an earlier transition read it, for a transition without a second read. */
export type JobRead = ReadDoc<AvatarJob>;

/**
 * queued → processing under the submission's lease: the provider that gets the selfie is
 * the one the sweep asks later. Null when the job is not queued any more (a redelivered
 * trigger, the sweep first) or was submitted already.
 */
export async function claimJobSubmit(
  db: Firestore,
  jobId: string,
  opts: { provider: string; now: Date; read?: JobRead },
): Promise<{ job: AvatarJob; lease: Lease; read: JobRead | null } | null> {
  const lease = newLease(opts.now, SUBMIT_LEASE_MS);
  const r = await leasedTransition(jobMachine, jobRef(db, jobId), lease, "claim", {
    now: opts.now,
    read: opts.read,
    write: (job) =>
      job.provider_job_id
        ? null
        : {
            doc: { provider: opts.provider },
            job: { attempts: job.job.attempts + 1, nextAttemptAt: lease.until },
          },
  });
  if (r.outcome !== "written") return null;
  const read = r.writeTime ? { data: r.after, updateTime: r.writeTime } : null;
  return { job: r.before, lease, read };
}

/**
 * Records the provider's id of a submitted job (its lease released, the first check due at
 * once), checking the owner's consent in the same transaction: "cancelled" when it was
 * withdrawn while the selfie was on its way (the caller deletes the provider's new avatar
 * again). A job that ended meanwhile keeps only the id (withdrawal and erasure delete by it).
 */
export async function recordProviderJob(
  db: Firestore,
  jobId: string,
  opts: {
    lease: Lease;
    providerJobId: string;
    action: AvatarJob["action"];
    now: Date;
    consentMissing: (tx: Transaction) => Promise<boolean>;
    cancelMessage: string;
    read?: JobRead | null;
  },
): Promise<"recorded" | "cancelled"> {
  const now = opts.now;
  const r = await leasedTransition(
    jobMachine,
    jobRef(db, jobId),
    opts.lease,
    (gone: boolean) => (gone ? "cancel" : "submitted"),
    {
      now,
      read: opts.read ?? undefined,
      context: opts.consentMissing,
      write: (_job, _move, gone) =>
        gone
          ? {
              doc: { provider_job_id: opts.providerJobId, action: null },
              job: { error: cancelled(opts.cancelMessage), nextAttemptAt: null },
            }
          : {
              doc: {
                provider_job_id: opts.providerJobId,
                action: opts.action ?? null,
                progress: 0.05,
              },
              job: { nextAttemptAt: now },
            },
    },
  );
  if (r.outcome === "written") return r.after.job.state === "cancelled" ? "cancelled" : "recorded";
  // Ended meanwhile (a withdrawal cancelled it, the deadline ended it): only the id.
  await keepProviderJobId(db, jobId, opts.providerJobId, now);
  return r.outcome === "gone" || r.before.job.state !== "cancelled" ? "recorded" : "cancelled";
}

const cancelled = (message: string): JobError => ({ code: "CANCELLED", message });

/** processing → queued: the provider rate-limited the submission; submitted again from `at`. */
export async function requeueJob(
  db: Firestore,
  jobId: string,
  lease: Lease,
  fields: { at: Date; now: Date },
): Promise<boolean> {
  const r = await leasedTransition(jobMachine, jobRef(db, jobId), lease, "requeue", {
    now: fields.now,
    write: () => ({ job: { nextAttemptAt: fields.at } }),
  });
  return r.outcome === "written";
}

/** Ends a job (error or cancelled) unless it already ended; its selfie path when this call ended it. */
export async function endJob(
  db: Firestore,
  jobId: string,
  event: "fail" | "cancel",
  error: JobError,
  now: Date,
  read?: JobRead,
): Promise<{ ended: boolean; selfiePath: string | null }> {
  const r = await leasedTransition(jobMachine, jobRef(db, jobId), null, event, {
    now,
    read,
    write: () => ({ job: { error, nextAttemptAt: null } }),
  });
  if (r.outcome !== "written") return { ended: false, selfiePath: null };
  return { ended: true, selfiePath: r.before.selfie_path ?? null };
}

export const failJob = (db: Firestore, jobId: string, error: JobError, now: Date, read?: JobRead) =>
  endJob(db, jobId, "fail", error, now, read);

/** Ends a job `cancelled` unless it already ended; true when this call cancelled it. */
export async function cancelJob(db: Firestore, jobId: string, message: string, now: Date) {
  return (await endJob(db, jobId, "cancel", cancelled(message), now)).ended;
}

/**
 * The provider answered: the failure counters reset, a higher progress is kept (never
 * above 0.99 before the GLB is stored), and the job waits behind the others (due now).
 * True when the progress rose.
 */
export async function recordCheck(
  db: Firestore,
  jobId: string,
  progress: number,
  now: Date,
  read?: JobRead,
): Promise<boolean> {
  const r = await leasedTransition(jobMachine, jobRef(db, jobId), null, "checked", {
    now,
    read,
    write: (job) => ({
      doc: progress > job.progress ? { progress: Math.min(0.99, progress) } : {},
      job: { readFailures: 0, authFailures: 0, nextAttemptAt: now },
    }),
  });
  return r.outcome === "written" && r.after.progress > r.before.progress;
}

/** The next read later (a failed read's back-off, a refusal to confirm, a foreign provider). */
export async function scheduleCheck(
  db: Firestore,
  jobId: string,
  next: { at: Date; now: Date; readFailures?: number; authFailures?: number },
  read?: JobRead,
): Promise<void> {
  const { now, at: due, ...counters } = next;
  await leasedTransition(jobMachine, jobRef(db, jobId), null, "backoff", {
    now,
    read,
    write: () => ({ job: { ...counters, nextAttemptAt: due } }),
  });
}
