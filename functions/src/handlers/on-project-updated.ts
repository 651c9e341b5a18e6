/**
 * `on_project_updated`: a video that just completed gets its inputs deleted (retention,
 * services/privacy/release-inputs.ts) and is streamed into Storage (archiveState →
 * pending, services/heygen/archive-video.ts). Every other write, its own included,
 * does nothing.
 */
import type { AppContext } from "../context";
import { log } from "../logs";

export interface ProjectChange {
  statusBefore: unknown;
  statusAfter: unknown;
  archiveBefore: unknown;
  archiveAfter: unknown;
}

export const completedNow = (c: ProjectChange): boolean =>
  c.statusAfter === "completed" && c.statusBefore !== "completed";
export const archiveNow = (c: ProjectChange): boolean =>
  c.archiveAfter === "pending" && c.archiveBefore !== "pending";

export async function onProjectUpdated(
  app: AppContext,
  projectId: string,
  change: ProjectChange,
): Promise<void> {
  if (completedNow(change)) {
    const { releaseProjectInputs } = await import("../services/privacy/release-inputs");
    // A failure here never holds the archive back; purge_unused_inputs deletes them later.
    await releaseProjectInputs(app, projectId).catch((err: unknown) =>
      log.warn("deleting a completed video's inputs failed; the hourly purge retries", {
        projectId,
        error: err,
      }),
    );
  }
  if (archiveNow(change)) {
    const { archiveVideo } = await import("../services/heygen/archive-video");
    await archiveVideo(app, projectId);
  }
}
