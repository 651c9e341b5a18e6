/** avatar_jobs/{jobId}: written by the server only (rules), read by the owner. */
import type { Firestore, Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import { notFound } from "../errors";

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
  created_at: z.custom<Timestamp>().nullish(),
  updated_at: z.custom<Timestamp>().nullish(),
});
export type AvatarJob = z.infer<typeof jobSchema>;

/** A job in one of these states is finished: no further provider call is made for it. */
export const TERMINAL_JOB_STATUSES = ["done", "error", "cancelled"] as const;
export const isTerminalJobStatus = (status: string): boolean =>
  (TERMINAL_JOB_STATUSES as readonly string[]).includes(status);

/** The message a job cancelled for lack of consent carries. */
export const CONSENT_CANCELLED_MESSAGE =
  "Cancelled: consent to avatar_3d is not (or no longer) recorded, so the selfie was not sent to the provider.";

export const jobsCollection = (db: Firestore) => db.collection("avatar_jobs");

export async function getOwnedJob(db: Firestore, jobId: string, uid: string): Promise<AvatarJob> {
  const parsed = jobSchema.safeParse((await jobsCollection(db).doc(jobId).get()).data());
  if (!parsed.success || parsed.data.user_id !== uid) throw notFound(`Avatar job ${jobId}`);
  return parsed.data;
}

/** Ends a job as `cancelled` unless it already ended; true when this call cancelled it. */
export async function cancelJob(
  db: Firestore,
  jobId: string,
  message: string,
  now: Date,
): Promise<boolean> {
  const ref = jobsCollection(db).doc(jobId);
  return db.runTransaction(async (tx) => {
    const job = jobSchema.safeParse((await tx.get(ref)).data());
    if (!job.success || isTerminalJobStatus(job.data.status)) return false;
    tx.update(ref, { status: "cancelled", error: message, updated_at: now });
    return true;
  });
}
