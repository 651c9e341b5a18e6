/**
 * No double billing on v2, which has no idempotency key: every create carries a title
 * marker naming the project and the attempt (`{name} · masky:{projectId}:{attempt}`).
 * When a previous create of this attempt may have been accepted (its answer was lost:
 * 5xx, timeout, dropped connection; or its worker died holding the lease), the retry
 * first looks for that marker in the user's folder and records the video found instead
 * of creating another. v3 replays the create with the same Idempotency-Key instead.
 * A lookup that fails is not a "not found": generate fails (502) and keeps the attempt,
 * so the next call looks again rather than creating blindly.
 */
import type { HeygenClient, ListedVideo } from "../../clients/heygen";
import { ApiError } from "../../errors";
import { log } from "../../logs";
import type { Project } from "../../store/projects";
import { heygenToApiError } from "./upstream-errors";

/** The part of the name HeyGen shows before the marker (the marker itself is ~35 chars). */
const TITLE_NAME_MAX = 80;

/** The marker of one create: ` · masky:{projectId}:{attempt}` (the title ends with it). */
export const titleMarker = (projectId: string, attempt: number): string =>
  ` · masky:${projectId}:${attempt}`;

/** The video's title: the project's name first (HeyGen shows it), then the marker. */
export function videoTitle(
  project: Pick<Project, "name">,
  projectId: string,
  attempt: number,
): string {
  const name = project.name.trim().slice(0, TITLE_NAME_MAX).trim() || "Masky video";
  return `${name}${titleMarker(projectId, attempt)}`;
}

/**
 * Whether the create of this attempt may already have reached HeyGen: the last call
 * failed ambiguously (`reuseAttempt`), or its lease expired mid-flight and this call
 * took the claim over. `project` is the document as it was before this call's claim.
 */
export function previousCreateMayExist(project: Pick<Project, "generation">): boolean {
  const g = project.generation;
  // reuseAttempt is also kept through a deferral (preparing): the look wait came between.
  return g?.state === "submitting" || g?.reuseAttempt === true;
}

/** The lookup failed: neither "found" nor "not found" is known, so nothing is created. */
export class LostVideoLookupError extends ApiError {
  constructor(cause: unknown) {
    const mapped = heygenToApiError(cause, "checking for the video of the previous attempt");
    super(
      mapped.code === "RATE_LIMITED" ? "RATE_LIMITED" : "UPSTREAM_ERROR",
      `${mapped.message} Nothing new was created, so that the video is not paid for twice; generate again to retry.`,
      { cause, headers: mapped.headers },
    );
    this.name = "LostVideoLookupError";
  }
}

/**
 * The video a previous create of this attempt left at HeyGen, or null when there is
 * none, nothing could have been left, or the API replays creates itself (v3).
 */
export async function findLostVideo(
  client: HeygenClient,
  project: Pick<Project, "generation">,
  ids: { projectId: string; attempt: number; folderId: string | undefined },
): Promise<ListedVideo | null> {
  if (!client.findVideoByTitle || !previousCreateMayExist(project)) return null;
  let found: ListedVideo | null;
  try {
    const marker = titleMarker(ids.projectId, ids.attempt);
    found = await client.findVideoByTitle(marker, ids.folderId);
    // The folder step may have failed for one of the two creates (it is only a warning):
    // the lost video can then sit outside the folder.
    if (!found && ids.folderId !== undefined)
      found = await client.findVideoByTitle(marker, undefined);
  } catch (err) {
    throw new LostVideoLookupError(err);
  }
  log.info(
    found
      ? "generate: the previous attempt's video was found upstream; not creating another"
      : "generate: no video of the previous attempt upstream; creating it",
    { projectId: ids.projectId, attempt: ids.attempt, videoId: found?.videoId ?? null },
  );
  return found;
}
