/**
 * avatar_jobs/{jobId}: written by the server only (rules), read by the owner. The
 * complete schema; the status fields are written only by the transitions in
 * avatar-job-lifecycle.ts (docs/lifecycles.md). Field names are the seed's snake_case
 * (`status`, `progress`, `asset_id`, `action` … are read by clients).
 */
import type { Firestore, Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import { notFound } from "../errors";
import { historySchema } from "./state-machine";

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

const ts = z.custom<Timestamp>((v) => typeof (v as Timestamp)?.toMillis === "function");

export const JOB_STATES = ["none", "queued", "processing", "done", "error", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];

/** A job in one of these states is finished: no further provider call is made for it. */
export const TERMINAL_JOB_STATUSES = ["done", "error", "cancelled"] as const;
/** A job in one of these states still needs the provider (and counts as pending for quotas). */
export const OPEN_JOB_STATUSES = ["queued", "processing"] as const;
export const isTerminalJobStatus = (status: string): boolean =>
  (TERMINAL_JOB_STATUSES as readonly string[]).includes(status);

export const jobSchema = z.object({
  user_id: z.string(),
  provider: z.string(),
  provider_job_id: z.string().nullish(),
  status: z.enum(["queued", "processing", "done", "error", "cancelled"]),
  progress: z.number().min(0).max(1),
  asset_id: z.string().nullish(),
  error: z.string().nullish(),
  /** What the user must do next when the provider needs them (in3D's scan page). */
  action: z.object({ type: z.string(), url: z.string(), message: z.string() }).nullish(),
  attempts: z.number().int().default(0),
  options: jobOptionsSchema,
  selfie_path: z.string().nullish(),
  created_at: ts.nullish(),
  updated_at: ts.nullish(),
  /** A queued job (rate limited at submission) is submitted again from this time. */
  next_attempt_at: ts.nullish(),
  /** When the sweep asks the provider next (the sweep orders by it). */
  next_check_at: ts.nullish(),
  /** Status reads that failed in a row (5xx, timeouts): the back-off doubles with each. */
  transient_failures: z.number().int().nullish(),
  /** Refusals (401/403) in a row: the second one ends the job. */
  auth_failures: z.number().int().nullish(),
  /** The finalisation's fenced lease (download, GLB, asset) while it runs. */
  finalizing: z.object({ token: z.string(), until: z.number() }).nullish(),
  /** Before leases had tokens: the end of an untokened finalisation lease (read only). */
  finalizing_until: z.number().nullish(),
  /** Set once the provider's avatar was deleted (withdrawal, erasure). */
  provider_deleted_at: ts.nullish(),
  /** The last states, `{state, at}`, oldest first (the web client's timeline). */
  history: historySchema,
});
export type AvatarJob = z.infer<typeof jobSchema>;

/** The message a job cancelled for lack of consent carries. */
export const CONSENT_CANCELLED_MESSAGE =
  "Cancelled: consent to avatar_3d is not (or no longer) recorded, so the selfie was not sent to the provider.";

export const jobsCollection = (db: Firestore) => db.collection("avatar_jobs");

export async function getOwnedJob(db: Firestore, jobId: string, uid: string): Promise<AvatarJob> {
  const parsed = jobSchema.safeParse((await jobsCollection(db).doc(jobId).get()).data());
  if (!parsed.success || parsed.data.user_id !== uid) throw notFound(`Avatar job ${jobId}`);
  return parsed.data;
}

/** Records that the provider's avatar of this job was deleted. */
export async function markProviderDeleted(db: Firestore, jobId: string, now: Date): Promise<void> {
  await jobsCollection(db).doc(jobId).update({ provider_deleted_at: now });
}
