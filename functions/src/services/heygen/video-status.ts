/**
 * `video_status`: refreshes the caller's own video from HeyGen into its project
 * (status, URL and the expiry read from its CloudFront `Expires`, thumbnail,
 * duration, error: store/project-video.ts `recordStatus`) and returns a normalised body.
 */
import type { Firestore } from "firebase-admin/firestore";
import type { AppContext } from "../../context";
import type { VideoDetails } from "../../clients/heygen";
import { notFound } from "../../errors";
import { archiveState, videoState, type Project } from "../../store/projects";
import { projectsOfVideo } from "../../store/project-queries";
import { heygenFailure, normaliseStatus, parseUrlExpiry } from "../../store/project-video";
import { recordVideoStatus } from "./record-video-status";
import { heygenClientFor } from "./client";
import { heygenToApiError } from "./upstream-errors";
import { firstOwned } from "../../store/ownership";
import { takeRateLimitToken } from "../quotas/rate-limit";

export async function findOwnedProjectByVideo(
  db: Firestore,
  uid: string,
  videoId: string,
): Promise<{ id: string; project: Project }> {
  const owned = firstOwned(await projectsOfVideo(db, videoId), (p) => p.project.userId, uid);
  if (!owned) throw notFound(`Video ${videoId}`);
  return owned;
}

/** A video as the answer shows it: from HeyGen's answer, or from the stored project. */
interface VideoView {
  heygenStatus: string;
  videoUrl: string | null;
  videoUrlExpiresAt: Date | null;
  thumbnailUrl: string | null;
  durationSeconds: number | null;
  error: { code?: string | null; message: string } | null;
}

const viewOfDetails = (d: VideoDetails): VideoView => ({
  heygenStatus: d.status,
  videoUrl: d.videoUrl,
  videoUrlExpiresAt: parseUrlExpiry(d.videoUrl),
  thumbnailUrl: d.thumbnailUrl,
  durationSeconds: d.durationSeconds,
  error: heygenFailure(d),
});

/** The archive's state as the answer names it (none: null). */
const archiveStateOf = (p: Project) => (archiveState(p) === "none" ? null : archiveState(p));

/** What the video's captions are made of (null: a video from before captions, or another's). */
const captionsSourceOf = (p: Project, videoId: string) =>
  p.heygenVideoId === videoId ? (p.captions?.source ?? null) : null;

/** The response body, from HeyGen's answer just read or from the stored project. */
async function statusBody(
  app: AppContext,
  projectId: string,
  videoId: string,
  f: VideoView,
  project: Project,
) {
  let archived: { url: string; expiresIn: number } | null = null;
  let captions: { url: string } | null = null;
  if (project.archivedVideoPath && project.heygenVideoId === videoId) {
    const { signedReadUrl } = await import("../../clients/storage/bucket");
    archived = await signedReadUrl(
      app.config.storageBucket,
      project.archivedVideoPath,
      app.clock.now(),
    );
    // The captions go with the archived copy (written with it, purged with it).
    const captionsPath = project.captions?.path;
    if (captionsPath)
      captions = await signedReadUrl(app.config.storageBucket, captionsPath, app.clock.now());
  }
  return {
    videoId,
    projectId,
    status: normaliseStatus(f.heygenStatus),
    heygenStatus: f.heygenStatus,
    videoUrl: f.videoUrl,
    videoUrlExpiresAt: f.videoUrlExpiresAt?.toISOString() ?? null,
    thumbnailUrl: f.thumbnailUrl,
    durationSeconds: f.durationSeconds,
    error: f.error ? { code: f.error.code ?? null, message: f.error.message } : null,
    fallbackAvatarUsed: project.fallbackAvatarUsed === true,
    /** Signed URL (1 h) of our own copy in Storage, once archived: it outlives HeyGen's link. */
    archivedVideoUrl: archived?.url ?? null,
    archivedVideoUrlExpiresIn: archived?.expiresIn ?? null,
    archiveState: archiveStateOf(project),
    captionsUrl: captions?.url ?? null,
    captionsSource: captionsSourceOf(project, videoId),
  };
}

/**
 * `video_status`: answered from the project while HeyGen was asked less than
 * VIDEO_STATUS_FRESH_SECONDS ago (by this endpoint, the poller or the webhook), else
 * refreshed from HeyGen, at most RATE_VIDEO_STATUS_PER_USER_PER_MINUTE times a
 * minute per user (429 RATE_LIMITED past that, without a HeyGen call).
 */
export async function refreshVideoStatus(app: AppContext, uid: string, videoId: string) {
  const { id, project: stored } = await findOwnedProjectByVideo(app.db, uid, videoId);
  if (videoState(stored) === "cancelled") return cancelledBody(id, videoId, stored);
  const checkedAt = stored.video?.checkedAt;
  const freshMs = app.config.quotas.videoStatusFreshSeconds * 1000;
  if (
    checkedAt &&
    stored.heygenStatus &&
    app.clock.now().getTime() - checkedAt.toMillis() < freshMs
  ) {
    return statusBody(
      app,
      id,
      videoId,
      {
        heygenStatus: stored.heygenStatus,
        videoUrl: stored.videoUrl ?? null,
        videoUrlExpiresAt: stored.videoUrlExpiresAt?.toDate() ?? null,
        thumbnailUrl: stored.thumbnailUrl ?? null,
        durationSeconds: stored.durationSeconds ?? null,
        error: stored.error ?? null,
      },
      stored,
    );
  }
  await takeRateLimitToken(
    app,
    uid,
    "video_status_minute",
    app.config.quotas.videoStatusPerUserPerMinute,
    "video status",
  );
  let details: VideoDetails;
  try {
    details = await heygenClientFor(app, stored.video?.apiVersion).getVideo(videoId);
  } catch (err) {
    throw heygenToApiError(err, "reading the video status");
  }
  // The answer is about the video asked for, whether or not the project still follows it.
  const { project } = await recordVideoStatus(app, id, videoId, details);
  return statusBody(app, id, videoId, viewOfDetails(details), project ?? stored);
}

/** A cancelled video is answered from its project: HeyGen is not asked (it may be deleted there). */
function cancelledBody(projectId: string, videoId: string, p: Project) {
  return {
    videoId,
    projectId,
    status: "cancelled" as const,
    heygenStatus: "cancelled",
    videoUrl: null,
    videoUrlExpiresAt: null,
    thumbnailUrl: null,
    durationSeconds: null,
    error: p.error ?? null,
    fallbackAvatarUsed: p.fallbackAvatarUsed === true,
    archivedVideoUrl: null,
    archivedVideoUrlExpiresIn: null,
    archiveState: archiveStateOf(p),
    captionsUrl: null,
    captionsSource: captionsSourceOf(p, videoId),
  };
}
