/**
 * The Firestore triggers' bodies (index.ts wires them to their documents). Each exits
 * early when the write is not one it acts on, its own writes included.
 */
import type { DocumentData } from "firebase-admin/firestore";
import { getAppContext } from "../context";

/**
 * projects/{projectId} updated: a video that just completed gets its inputs deleted and
 * is archived, a generate that just deferred is finished in the background
 * (./on-project-updated.ts); every other write does nothing.
 */
export async function projectUpdated(
  projectId: string,
  before: DocumentData | undefined,
  after: DocumentData | undefined,
): Promise<void> {
  const [{ videoJustCompleted }, { archiveJustQueued }, { generationJustDeferred }] =
    await Promise.all([
      import("../store/project-video"),
      import("../store/project-archive"),
      import("../store/project-generation"),
    ]);
  const change = {
    completedNow: videoJustCompleted(before, after),
    archiveNow: archiveJustQueued(before, after),
    deferredNow: generationJustDeferred(before, after),
  };
  if (!change.completedNow && !change.archiveNow && !change.deferredNow) return;
  const { onProjectUpdated } = await import("./on-project-updated");
  await onProjectUpdated(getAppContext(), projectId, change);
}

/** avatar_jobs/{jobId} created: the selfie goes to the provider (once, even if redelivered). */
export async function avatarJobCreated(jobId: string): Promise<void> {
  const { submitAvatarJob } = await import("../services/avatar/submit-job");
  await submitAvatarJob(getAppContext(), jobId);
}

/** users/{uid} created without a created_at: the server stamps it. */
export async function userCreated(uid: string): Promise<void> {
  const { onUserCreated } = await import("./on-user-created");
  await onUserCreated(getAppContext(), uid);
}
