/**
 * `on_project_updated`: a video that just completed gets its inputs deleted (retention,
 * services/privacy/release-inputs.ts) and is streamed into Storage (its archive just
 * became pending, services/heygen/archive-video.ts); a generate that just deferred is run in
 * the background (./deferred-generate.ts). Every other write, its own included, does
 * nothing.
 */
import type { AppContext } from "../context";
import { log } from "../logs";

/** What a project write just did, as the store's lifecycles read it (index.ts). */
export interface ProjectChange {
  completedNow: boolean;
  archiveNow: boolean;
  deferredNow: boolean;
}

export async function onProjectUpdated(
  app: AppContext,
  projectId: string,
  change: ProjectChange,
): Promise<void> {
  if (change.completedNow) {
    const { releaseProjectInputs } = await import("../services/privacy/release-inputs");
    // A failure here never holds the archive back; purge_unused_inputs deletes them later.
    await releaseProjectInputs(app, projectId).catch((err: unknown) =>
      log.warn("deleting a completed video's inputs failed; the hourly purge retries", {
        projectId,
        error: err,
      }),
    );
  }
  if (change.deferredNow) {
    const { resumeFromTrigger } = await import("./deferred-generate");
    await resumeFromTrigger(app, projectId);
  }
  if (change.archiveNow) {
    const { archiveVideo } = await import("../services/heygen/archive-video");
    await archiveVideo(app, projectId);
  }
}
