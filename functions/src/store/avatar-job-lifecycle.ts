/**
 * The avatar job lifecycle (`avatar_jobs.status`, primary field): queued → processing
 * → done | error | cancelled, with the sweep's bookkeeping (`next_check_at`, the
 * failure counters) and the finalisation's fenced lease (`finalizing {token, until}`).
 * Each transition runs in a transaction, checks the from-state (and the lease token),
 * and appends `{state, at}` to `history` when the state changes.
 */
import type {
  DocumentReference,
  Firestore,
  QueryDocumentSnapshot,
  Transaction,
} from "firebase-admin/firestore";
import { log } from "../logs";
import { jobSchema, jobsCollection, type AvatarJob, type JobState } from "./avatar-jobs";
import { JOB_STATES, OPEN_JOB_STATUSES, TERMINAL_JOB_STATUSES } from "./avatar-jobs";
import { appendHistory, newLeaseToken, nextState, type Machine } from "./state-machine";

const SWEEP = "advance-jobs.ts";
const loop = (event: string, fn: string, by = SWEEP) => ({
  from: "processing" as const,
  event,
  to: "processing" as const,
  fn,
  by,
});

export const jobMachine: Machine<JobState> = {
  name: "avatar job",
  collection: "avatar_jobs",
  field: "avatar_jobs.status",
  initial: "none",
  states: JOB_STATES,
  terminal: TERMINAL_JOB_STATUSES,
  reopen: [],
  transitions: [
    { from: "none", event: "create", to: "queued", fn: "newQueuedJob", by: "create-job.ts" },
    {
      from: "queued",
      event: "claim",
      to: "processing",
      fn: "claimJobSubmit",
      by: "submit-job.ts (trigger, sweep)",
    },
    { from: "processing", event: "requeue", to: "queued", fn: "requeueJob", by: "submit-job.ts" },
    loop("submitted", "recordProviderJob", "submit-job.ts"),
    loop("progress", "recordProgress"),
    loop("checked", "recordCheck"),
    loop("backoff", "scheduleCheck"),
    loop("postpone", "postponeCheck"),
    loop("finalize", "claimFinalize"),
    loop("release", "releaseFinalize"),
    { from: "processing", event: "done", to: "done", fn: "markJobDone", by: SWEEP },
    ...OPEN_JOB_STATUSES.flatMap((from) => [
      { from, event: "fail", to: "error" as const, fn: "failJob", by: `submit-job.ts, ${SWEEP}` },
      {
        from,
        event: "cancel",
        to: "cancelled" as const,
        // The submission's claim and record cancel too, when consent is gone.
        fn: "cancelJob, claimJobSubmit, recordProviderJob",
        by: `submit-job.ts, ${SWEEP}, privacy/remove-avatar-3d.ts`,
      },
    ]),
  ],
};

/** Longer than the sweep's 300 s timeout, so a finalisation never outlives its lease. */
export const FINALIZE_LEASE_MS = 6 * 60 * 1000;

type Fields = Record<string, unknown>;

/**
 * Moves the job by `event` in a transaction when the table allows it from its current
 * state and `fields` returns what to write with the new state (null refuses). The parsed job
 * before the move, or null when nothing was written.
 */
async function move(
  db: Firestore,
  jobId: string,
  event: string,
  now: Date,
  fields: (job: AvatarJob) => Fields | null,
  leaseToken?: string,
): Promise<AvatarJob | null> {
  const ref = jobsCollection(db).doc(jobId);
  const outcome = await db.runTransaction(async (tx) => {
    const parsed = jobSchema.safeParse((await tx.get(ref)).data());
    if (!parsed.success) return null;
    const job = parsed.data;
    // Under the finalisation's lease, the token is checked first, whatever the state.
    if (leaseToken !== undefined && job.finalizing?.token !== leaseToken) return "refused";
    const to = nextState(jobMachine, job.status, event);
    if (!to) return null;
    const extra = fields(job);
    if (!extra) return null;
    write(tx, ref, job, to, extra, now);
    return job;
  });
  if (outcome !== "refused") return outcome;
  log.warn("avatar job: late write under an expired or taken-over lease refused", {
    jobId,
    event,
  });
  return null;
}

function write(
  tx: Transaction,
  ref: DocumentReference,
  job: AvatarJob,
  to: JobState,
  fields: Fields,
  now: Date,
) {
  const changed = to !== job.status;
  tx.update(ref, {
    ...fields,
    ...(changed ? { status: to, history: appendHistory(job.history, { state: to, at: now }) } : {}),
  });
}

/** The document of a new job (none → queued), for the transaction that admits it. */
export function newQueuedJob(fields: {
  user_id: string;
  provider: string;
  options: AvatarJob["options"];
  selfie_path: string;
  now: Date;
}) {
  const { now, ...rest } = fields;
  return {
    ...rest,
    provider_job_id: null,
    status: "queued" as const,
    progress: 0,
    asset_id: null,
    error: null,
    action: null,
    attempts: 0,
    created_at: now,
    updated_at: now,
    history: appendHistory([], { state: "queued", at: now }),
  };
}

/**
 * queued → processing (the submission's claim), or queued → cancelled when
 * `consentMissing` says the user's consent is gone (checked in the same transaction).
 */
export async function claimJobSubmit(
  db: Firestore,
  jobId: string,
  opts: {
    provider: string;
    now: Date;
    consentMissing: (tx: Transaction, uid: string) => Promise<boolean>;
    cancelMessage: string;
  },
): Promise<{ kind: "claimed"; job: AvatarJob } | { kind: "cancelled"; job: AvatarJob } | null> {
  const ref = jobsCollection(db).doc(jobId);
  const now = opts.now;
  return db.runTransaction(async (tx) => {
    const parsed = jobSchema.safeParse((await tx.get(ref)).data());
    if (!parsed.success || parsed.data.status !== "queued" || parsed.data.provider_job_id)
      return null;
    const job = parsed.data;
    if (await opts.consentMissing(tx, job.user_id)) {
      const cancelled = nextState(jobMachine, job.status, "cancel");
      if (!cancelled) return null;
      write(tx, ref, job, cancelled, { error: opts.cancelMessage, updated_at: now }, now);
      return { kind: "cancelled", job };
    }
    const to = nextState(jobMachine, job.status, "claim");
    if (!to) return null;
    write(
      tx,
      ref,
      job,
      to,
      {
        // The provider that gets the selfie is the one the sweep must ask later.
        provider: opts.provider,
        attempts: job.attempts + 1,
        updated_at: now,
        next_check_at: now, // due for the sweep (advance-jobs.ts orders by it)
      },
      now,
    );
    return { kind: "claimed", job };
  });
}

/**
 * Records the provider's id of a submitted job. "cancelled" when consent was withdrawn
 * while the selfie was on its way (the job ends cancelled, or already was): the caller
 * deletes the provider's new avatar again.
 */
export async function recordProviderJob(
  db: Firestore,
  jobId: string,
  opts: {
    providerJobId: string;
    action: AvatarJob["action"];
    now: Date;
    consentMissing: (tx: Transaction, uid: string) => Promise<boolean>;
    cancelMessage: string;
  },
): Promise<"recorded" | "cancelled"> {
  const ref = jobsCollection(db).doc(jobId);
  const now = opts.now;
  return db.runTransaction(async (tx) => {
    const job = jobSchema.parse((await tx.get(ref)).data());
    const gone = await opts.consentMissing(tx, job.user_id);
    // The id is kept whatever the state: withdrawal and erasure delete the avatar by it.
    const base = { provider_job_id: opts.providerJobId, updated_at: now };
    const to = nextState(jobMachine, job.status, gone ? "cancel" : "submitted");
    if (!to) {
      // Ended meanwhile (a withdrawal cancelled it, the deadline ended it): only the id.
      tx.update(ref, base);
      return gone ? "cancelled" : "recorded";
    }
    const fields = gone
      ? { ...base, action: null, error: opts.cancelMessage }
      : // Due at once, also when a sweep met the submission running and set a later check.
        { ...base, action: opts.action ?? null, progress: 0.05, next_check_at: now };
    write(tx, ref, job, to, fields, now);
    return gone ? "cancelled" : "recorded";
  });
}

/** processing → queued: the provider rate-limited the submission; tried again from `at`. */
export async function requeueJob(db: Firestore, jobId: string, at: Date, now: Date) {
  return (
    (await move(db, jobId, "requeue", now, () => ({ next_attempt_at: at, updated_at: now }))) !==
    null
  );
}

/** Ends a job (error or cancelled) unless it already ended; its selfie path when this call ended it. */
export async function endJob(
  db: Firestore,
  jobId: string,
  event: "fail" | "cancel",
  message: string,
  now: Date,
): Promise<{ ended: boolean; selfiePath: string | null }> {
  const job = await move(db, jobId, event, now, () => ({ error: message, updated_at: now }));
  return { ended: job !== null, selfiePath: job?.selfie_path ?? null };
}

export const failJob = (db: Firestore, jobId: string, message: string, now: Date) =>
  endJob(db, jobId, "fail", message, now);

/** Ends a job `cancelled` unless it already ended; true when this call cancelled it. */
export async function cancelJob(db: Firestore, jobId: string, message: string, now: Date) {
  return (await endJob(db, jobId, "cancel", message, now)).ended;
}

/** A higher progress reported by the provider (never above 0.99 before the GLB is stored). */
export async function recordProgress(db: Firestore, jobId: string, progress: number, now: Date) {
  const moved = await move(db, jobId, "progress", now, (job) =>
    progress > job.progress ? { progress: Math.min(0.99, progress), updated_at: now } : null,
  );
  return moved !== null;
}

/** The provider answered: the failure counters reset, the job waits behind the others. */
export async function recordCheck(db: Firestore, jobId: string, now: Date): Promise<void> {
  await move(db, jobId, "checked", now, () => ({
    transient_failures: 0,
    auth_failures: 0,
    next_check_at: now,
  }));
}

/** The next check later (a failed read's back-off, a refusal to confirm, a foreign provider). */
export async function scheduleCheck(
  db: Firestore,
  jobId: string,
  at: Date,
  counters: { transient_failures?: number; auth_failures?: number } = {},
): Promise<void> {
  await move(db, jobId, "backoff", at, () => ({ ...counters, next_check_at: at }));
}

/**
 * Moves a job's next check later only if nobody wrote the job since the sweep read it
 * (an update precondition instead of a transaction): the trigger may finish its
 * submission (and set the check to now) between the read and this write, and must not
 * be postponed by it.
 */
export async function postponeCheck(doc: QueryDocumentSnapshot, at: Date): Promise<void> {
  try {
    await doc.ref.update({ next_check_at: at }, { lastUpdateTime: doc.updateTime });
  } catch (err) {
    // gRPC FAILED_PRECONDITION: the job changed since it was read; its writer decided.
    if ((err as { code?: number }).code !== 9) throw err;
  }
}

/**
 * Claims the finalisation (download, GLB, asset) of a processing job: its lease token,
 * or null while another run's lease holds.
 */
export async function claimFinalize(
  db: Firestore,
  jobId: string,
  now: Date,
  leaseMs: number = FINALIZE_LEASE_MS,
): Promise<string | null> {
  const token = newLeaseToken();
  const moved = await move(db, jobId, "finalize", now, (job) => {
    const until = job.finalizing?.until ?? job.finalizing_until ?? 0;
    if (until > now.getTime()) return null;
    return { finalizing: { token, until: now.getTime() + leaseMs }, finalizing_until: null };
  });
  return moved ? token : null;
}

/** Gives the lease back after a transient failure: the next sweep finalises again. */
export async function releaseFinalize(db: Firestore, jobId: string, token: string, now: Date) {
  await move(db, jobId, "release", now, () => ({ finalizing: null }), token);
}

/** processing → done under the finalisation's lease; false when the lease was lost. */
export async function markJobDone(
  db: Firestore,
  jobId: string,
  token: string,
  done: { assetId: string; now: Date },
): Promise<boolean> {
  const moved = await move(
    db,
    jobId,
    "done",
    done.now,
    () => ({
      progress: 1,
      asset_id: done.assetId,
      error: null,
      action: null,
      finalizing: null,
      updated_at: done.now,
    }),
    token,
  );
  return moved !== null;
}
