/**
 * HeyGen's view of a video written onto its project (store/project-video.ts
 * `recordStatus`) with this app's clock and its URL-refresh margin
 * (HEYGEN_URL_REFRESH_MARGIN_MINUTES): the one way video_status, the webhook and the
 * poller record what HeyGen said.
 */
import type { AppContext } from "../../context";
import type { VideoDetails } from "../../clients/heygen";
import { recordStatus } from "../../store/project-video";

export function recordVideoStatus(
  app: AppContext,
  projectId: string,
  videoId: string,
  details: VideoDetails,
  now: Date = app.clock.now(),
): ReturnType<typeof recordStatus> {
  const marginMs = app.config.heygen.urlRefreshMarginMinutes * 60_000;
  return recordStatus(app.db, projectId, videoId, details, now, marginMs);
}
