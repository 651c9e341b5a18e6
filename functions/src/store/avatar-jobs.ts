/**
 * avatar_jobs/{jobId}: written by the server only (rules), read by the owner. The job's
 * run (state, submissions, leases, the sweep's schedule and failure counters) is the `job`
 * sub-object of the one job shape, written only by avatar-job-lifecycle.ts. The seed's
 * snake_case fields clients read stay at the top level: `status`, `attempts` and `error`
 * are mirrors of `job.state`, `job.attempts` and `job.error.message`, written by the same
 * transitions; `progress`, `asset_id`, `provider_job_id` and `action` are the job's own.
 */
import type { Firestore, Query, QueryDocumentSnapshot } from "firebase-admin/firestore";
import { z } from "zod";
import { ownedOrNotFound } from "./ownership";
import { jobShapeSchema, timestampSchema } from "./job-shape";
import type { ReadDoc } from "./leased-transition";
import { parsedDocs, zodConverter } from "./typed";
import { deleteAllPages, readAllPages } from "./paged-read";

export const jobOptionsSchema = z
  .object({
    output: z.literal("glb").default("glb"),
    /** arkit: ARKit blendshapes + visemes; basic: visemes (lip-sync) only. Per provider: provider-options.ts. */
    blendshapes: z.enum(["arkit", "basic"]).default("arkit"),
    /** high: the provider's larger textures / finer mesh; standard: lighter. */
    realism: z.enum(["standard", "high"]).default("high"),
    /** Avatar SDK's subtype; absent: the user's latest preferences (appearance.bodyType), else female. */
    bodyType: z.enum(["female", "male"]).optional(),
  })
  .strict();

export const JOB_STATES = ["none", "queued", "processing", "done", "error", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];
const STORED_JOB_STATES = ["queued", "processing", "done", "error", "cancelled"] as const;

/** A job in one of these states is finished: no further provider call is made for it. */
export const TERMINAL_JOB_STATUSES = ["done", "error", "cancelled"] as const;
/** A job in one of these states still needs the provider (and counts as pending for quotas). */
export const OPEN_JOB_STATUSES = ["queued", "processing"] as const;
export const isTerminalJobStatus = (status: string): boolean =>
  (TERMINAL_JOB_STATUSES as readonly string[]).includes(status);

/**
 * The job's run. attempts: submissions to the provider. lease: the submission's (until
 * the provider's id is recorded) or the finalisation's (download, GLB, asset).
 * nextAttemptAt: when the sweep next works on it (a queued job's submission, a
 * processing job's status read; while leased, the lease's end), never after the deadline.
 */
export const avatarJobRunSchema = jobShapeSchema(STORED_JOB_STATES).extend({
  /** Status reads that failed in a row (5xx, timeouts): the back-off doubles with each. */
  readFailures: z.number().int().default(0),
  /** Refusals (401/403) in a row: the second one ends the job. */
  authFailures: z.number().int().default(0),
});

/** avatar_jobs/{jobId}. */
export const avatarJobSchema = z.object({
  user_id: z.string(),
  provider: z.string(),
  provider_job_id: z.string().nullish(),
  /** Mirror of job.state. */
  status: z.enum(STORED_JOB_STATES),
  progress: z.number().min(0).max(1),
  asset_id: z.string().nullish(),
  /** Mirror of job.error.message. */
  error: z.string().nullish(),
  /** What the user must do next when the provider needs them (in3D's scan page). */
  action: z.object({ type: z.string(), url: z.string(), message: z.string() }).nullish(),
  /** Mirror of job.attempts. */
  attempts: z.number().int().default(0),
  options: jobOptionsSchema,
  selfie_path: z.string().nullish(),
  created_at: timestampSchema,
  updated_at: timestampSchema.nullish(),
  /** Set once the provider's avatar was deleted (withdrawal, erasure). */
  provider_deleted_at: timestampSchema.nullish(),
  job: avatarJobRunSchema,
});
export type AvatarJob = z.infer<typeof avatarJobSchema>;

/** The message a job cancelled for lack of consent carries. */
export const CONSENT_CANCELLED_MESSAGE =
  "Cancelled: consent to avatar_3d is not (or no longer) recorded, so the selfie was not sent to the provider.";

export const jobsCollection = (db: Firestore) =>
  db.collection("avatar_jobs").withConverter(zodConverter(avatarJobSchema));
export const jobRef = (db: Firestore, jobId: string) => jobsCollection(db).doc(jobId);
/** A new job's reference (its id names the selfie's path before the job is written). */
export const newJobRef = (db: Firestore) => jobsCollection(db).doc();

export async function getOwnedJob(db: Firestore, jobId: string, uid: string): Promise<AvatarJob> {
  return ownedOrNotFound(await getJob(db, jobId), (j) => j.user_id, uid, `Avatar job ${jobId}`);
}

/** The job, or null when it is missing (or not of this shape). */
export async function getJob(db: Firestore, jobId: string): Promise<AvatarJob | null> {
  try {
    return (await jobRef(db, jobId).get()).data() ?? null;
  } catch {
    return null;
  }
}

/** The user's jobs (withdrawal, erasure, export). */
export async function jobsOfUser(
  db: Firestore,
  uid: string,
): Promise<{ id: string; job: AvatarJob }[]> {
  const snap = await readAllPages(jobsCollection(db).where("user_id", "==", uid));
  return parsedDocs(snap).map(({ doc, data }) => ({ id: doc.id, job: data }));
}

/** The job as stored, with its update time (for a transition that does not read it again). */
export async function readJob(db: Firestore, jobId: string): Promise<ReadDoc<AvatarJob> | null> {
  const snap = await jobRef(db, jobId).get();
  try {
    const data = snap.data();
    return data && snap.updateTime ? { data, updateTime: snap.updateTime } : null;
  } catch {
    return null; // not of this shape
  }
}

/** The user's jobs still needing the provider (the pending quota counts them). */
export const pendingJobsOfUser = (db: Firestore, uid: string): Query<AvatarJob> =>
  jobsCollection(db)
    .where("user_id", "==", uid)
    .where("job.state", "in", [...OPEN_JOB_STATUSES]);

export interface DuePage {
  jobs: { id: string; read: ReadDoc<AvatarJob> }[];
  /** Where the next page starts; null on the last page. */
  next: QueryDocumentSnapshot<AvatarJob> | null;
}

/**
 * One page of the jobs the sweep must work on now (queued or processing, due), the
 * longest waiting first: each with its update time, so its transition needs no second read.
 */
export async function dueJobs(
  db: Firestore,
  now: Date,
  limit: number,
  after: QueryDocumentSnapshot<AvatarJob> | null,
): Promise<DuePage> {
  let q = jobsCollection(db)
    .where("job.state", "in", [...OPEN_JOB_STATUSES])
    .where("job.nextAttemptAt", "<=", now)
    .orderBy("job.nextAttemptAt")
    .limit(limit);
  if (after) q = q.startAfter(after);
  const snap = await q.get();
  const jobs = parsedDocs(snap).map(({ doc, data }) => ({
    id: doc.id,
    read: { data, updateTime: doc.updateTime },
  }));
  return { jobs, next: snap.size < limit ? null : snap.docs[snap.docs.length - 1] };
}

/** Records that the provider's avatar of this job was deleted. */
export async function markProviderDeleted(db: Firestore, jobId: string, now: Date): Promise<void> {
  await jobRef(db, jobId).update({ provider_deleted_at: now });
}

/** Keeps the provider's id of a job that ended while it was submitted (deleted by it later). */
export async function keepProviderJobId(
  db: Firestore,
  jobId: string,
  providerJobId: string,
  now: Date,
): Promise<void> {
  await jobRef(db, jobId).update({ provider_job_id: providerJobId, updated_at: now });
}

/** Deletes the user's jobs; returns their paths. */
export async function deleteJobsOfUser(db: Firestore, uid: string): Promise<string[]> {
  return deleteAllPages(jobsCollection(db).where("user_id", "==", uid));
}
