/**
 * A video HeyGen created for a project deleted meanwhile: the create succeeded, but
 * recording it was refused because the project is gone, so nothing of ours points at
 * it any more and no erasure would look for it. It is deleted at HeyGen at once (the
 * compensation of the create). Where that cannot be done (v2 documents no delete, or
 * HeyGen failed) it is logged with its id; an erasure still finds a lost video of the
 * user's remaining projects by its title marker (erase-lost-videos.ts).
 */
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import { log, logUserId } from "../../logs";
import { heygenClientFor } from "./client";

export type OrphanOutcome = "deleted" | "not_deletable" | "failed";

export async function deleteOrphanVideo(
  app: AppContext,
  ids: { uid: string; projectId: string; videoId: string },
): Promise<OrphanOutcome> {
  let outcome: OrphanOutcome;
  try {
    outcome = await heygenClientFor(app).deleteVideo(ids.videoId);
  } catch (err) {
    log.error("generate: the video of a deleted project could not be deleted at HeyGen", {
      user: logUserId(ids.uid),
      projectId: ids.projectId,
      videoId: ids.videoId,
      error: err,
    });
    return "failed";
  }
  log.warn("generate: the project was deleted while its video was created", {
    user: logUserId(ids.uid),
    projectId: ids.projectId,
    videoId: ids.videoId,
    upstream: outcome,
  });
  return outcome;
}

/** The answer to the generate whose project was deleted under it. */
export function projectDeletedError(outcome: OrphanOutcome): ApiError {
  const what =
    outcome === "deleted"
      ? "the video created for it was deleted at HeyGen"
      : "the video created for it could not be deleted at HeyGen";
  return new ApiError(
    "CONFLICT",
    `The project was deleted while its video was being created; ${what}.`,
  );
}
