/** The named steps of a 3D avatar job, read from its Firestore document (avatar_jobs). */
export interface AvatarJobDoc {
  status?: "queued" | "processing" | "done" | "error" | "cancelled";
  progress?: number;
  asset_id?: string | null;
  error?: string | null;
  action?: { type: string; url: string; message: string } | null;
  created_at?: { toMillis(): number } | null;
}

export const AVATAR_STEPS = [
  { id: "sending", label: "Sending your selfie" },
  { id: "queued", label: "Waiting for the 3D service" },
  { id: "building", label: "Building your 3D head" },
  { id: "done", label: "Done" },
] as const;
export type AvatarStepId = (typeof AVATAR_STEPS)[number]["id"] | "failed";

export function avatarStepOf(job: AvatarJobDoc | null): AvatarStepId {
  if (!job) return "sending";
  if (job.status === "error" || job.status === "cancelled") return "failed";
  if (job.status === "done") return "done";
  return job.status === "processing" ? "building" : "queued";
}
