/**
 * `DELETE /api/projects/{id}`: a project takes its media with it: the archived MP4 and
 * its captions in Storage and the video at HeyGen (v3 `DELETE /v3/videos/{id}`; v2 documents no
 * delete: reported), then the document itself (the rules forbid a client delete, so
 * nothing is orphaned). Both deletes treat "already gone" as done, so a repeated
 * request is harmless. A late webhook for the video finds no project and creates
 * nothing; an archival in flight removes its copy when it finds the project gone.
 */
import type { AppContext } from "../../context";
import { getBucket } from "../../clients/storage/bucket";
import { log } from "../../logs";
import { getOwnedProject, type Project } from "../../store/projects";
import { deleteProjectDoc } from "../../store/project-queries";
import { heygenClients, NOT_DELETABLE_ON_V2 } from "../privacy/remove-heygen-inputs";
import { emptyReport, removeUpstream, type RemovalReport } from "../privacy/removal-report";
import { projectInputPaths } from "../privacy/release-inputs";
import { deleteTimelinesOf } from "../speech/stored-timeline";
import { archivePath } from "./archive-video";
import { captionsPath } from "../captions/captions-source";

export async function deleteProjectMedia(
  app: AppContext,
  projectId: string,
  p: Project,
): Promise<RemovalReport> {
  const report = emptyReport();
  const paths = new Set([archivePath(p.userId, projectId), captionsPath(p.userId, projectId)]);
  if (p.archivedVideoPath) paths.add(p.archivedVideoPath);
  if (p.captions?.path) paths.add(p.captions.path);
  for (const path of paths) {
    const [exists] = await getBucket(app.config.storageBucket).file(path).exists();
    if (!exists) continue;
    await getBucket(app.config.storageBucket).file(path).delete({ ignoreNotFound: true });
    report.storage.push(path);
  }
  // The speech timelines of the project's recording and of its video go with the project.
  const audio = [...projectInputPaths(app, p.userId, p), ...paths];
  const timelines = await deleteTimelinesOf(app, p.userId, audio);
  report.storage.push(...timelines.storage);
  report.firestore.push(...timelines.firestore);
  // Already deleted (or known not deletable) by a withdrawal or an erasure: not asked again.
  if (p.heygenVideoId && !p.heygenVideoDeletedAt) {
    const videoId = p.heygenVideoId;
    await removeUpstream(
      report,
      { system: "heygen", kind: "video", id: videoId },
      () => heygenClients(app)(p.video?.apiVersion ?? "v3").deleteVideo(videoId),
      NOT_DELETABLE_ON_V2,
    );
  }
  log.info("project media removed", {
    projectId,
    storageObjects: report.storage.length,
    upstream: report.upstream.map((u) => `${u.kind}:${u.outcome}`),
  });
  return report;
}

/** The owner's delete: 404 for anyone else's project. */
export async function deleteProject(
  app: AppContext,
  uid: string,
  projectId: string,
): Promise<{ projectId: string; removed: RemovalReport }> {
  const project = await getOwnedProject(app.db, projectId, uid);
  const removed = await deleteProjectMedia(app, projectId, project);
  removed.firestore.push(await deleteProjectDoc(app.db, projectId));
  return { projectId, removed };
}
