/**
 * Videos at HeyGen that no project records: a create whose answer was lost, or one
 * whose project was deleted while it ran and whose immediate delete failed. Every
 * create carries the title marker `masky:{projectId}:{attempt}`, so erasure lists
 * the videos whose title names each of the user's projects and deletes those the
 * project does not already account for. Only where the API lists by title and deletes
 * videos (v3); v2 documents neither a title filter nor a delete.
 */
import type { AppContext } from "../../context";
import type { ProjectDoc } from "../../store/project-queries";
import { removeUpstream, type RemovalReport } from "./removal-report";
import { heygenClients, NOT_DELETABLE_ON_V2 } from "./remove-heygen-inputs";

/** The part of every title marker of one project (any attempt). */
export const projectMarker = (projectId: string): string => `masky:${projectId}:`;

export async function removeLostVideos(
  app: AppContext,
  projects: readonly ProjectDoc[],
  report: RemovalReport,
): Promise<void> {
  if (app.config.heygen.apiVersion !== "v3") return;
  const client = heygenClients(app)("v3");
  if (!client.listVideosByTitle) return;
  for (const { id, project } of projects) {
    if (!project.generation) continue; // never generated: no create could be lost
    const marker = projectMarker(id);
    const found = await client.listVideosByTitle(marker);
    for (const video of found) {
      // The recorded video is the heygen step's own; a title that merely contains the
      // marker of another project id (a prefix of it) is not this project's.
      if (video.videoId === project.heygenVideoId) continue;
      if (!new RegExp(`${escapeRegExp(marker)}\\d+$`).test(video.title ?? "")) continue;
      await removeUpstream(
        report,
        { system: "heygen", kind: "video", id: video.videoId },
        () => client.deleteVideo(video.videoId),
        NOT_DELETABLE_ON_V2,
      );
    }
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
