/**
 * Archival: HeyGen's video links die after 7 days, so a finished video is streamed
 * from HeyGen into Storage at `videos/{uid}/{projectId}.mp4` (never held in memory).
 * Claimed under a fenced lease (store/project-archive.ts) so overlapping runs never
 * archive twice at once; a failure is recorded with the next attempt time and retried
 * by the poller; archival never touches the video's status fields. The copy's captions
 * (`videos/{uid}/{projectId}.vtt`) are made from it before the archive is recorded; a
 * video whose captions fail is archived all the same, its captions' error recorded.
 */
import type { Bucket } from "@google-cloud/storage";
import { pipeline } from "node:stream/promises";
import type { AppContext } from "../../context";
import type { HeygenClient } from "../../clients/heygen";
import { getBucket } from "../../clients/storage/bucket";
import { log } from "../../logs";
import { claimArchive, markArchived, scheduleArchiveRetry } from "../../store/project-archive";
import { heygenClientFor } from "./client";
import { guardedGet } from "../../clients/http/guarded-download";
import type { Captions } from "../../store/projects";
import { captionsPath } from "../captions/captions-source";
import { writeCaptions } from "../captions/write-captions";

const RETRY_DELAYS_MIN = [1, 5, 15, 60, 180, 360];

export const archivePath = (uid: string, projectId: string): string =>
  `videos/${uid}/${projectId}.mp4`;

export type ArchiveOutcome = "archived" | "skipped" | "busy" | "failed";

/** HeyGen's media hosts: its video links are CloudFront-signed links on files*.heygen.ai. */
export const HEYGEN_MEDIA_HOSTS = ["*.heygen.ai", "*.heygen.com"];
/** Longer than any plan's longest render at 4K; the copy is streamed, never held. */
export const MAX_VIDEO_BYTES = 4 * 1024 * 1024 * 1024;
/** One whole transfer, inside the archive lease and the trigger's 540 s. */
export const VIDEO_DOWNLOAD_TIMEOUT_MS = 8 * 60 * 1000;

/** Hosts a video may be downloaded (and redirected) from: the API host, HeyGen's media hosts, HEYGEN_DOWNLOAD_HOSTS. */
export function heygenDownloadHosts(config: AppContext["config"]["heygen"]): string[] {
  return [new URL(config.apiBaseUrl).host, ...HEYGEN_MEDIA_HOSTS, ...config.downloadHosts];
}

function openDownload(url: string, allowedHosts: readonly string[]) {
  // No credentials: the links are signed. guardedGet refuses other hosts and schemes.
  return guardedGet(url, {
    what: "HeyGen's video download",
    allowedHosts,
    maxBytes: MAX_VIDEO_BYTES,
    timeoutMs: VIDEO_DOWNLOAD_TIMEOUT_MS,
  });
}

/** Streams the video into Storage; a 403/404 (expired link) gets a fresh URL once. */
export async function streamVideoToStorage(
  client: HeygenClient,
  videoId: string,
  bucket: Bucket,
  target: string,
  allowedHosts: readonly string[],
): Promise<number> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const details = await client.getVideo(videoId);
    if (details.status !== "completed" || !details.videoUrl)
      throw new Error(`video is ${details.status}, no URL`);
    const { status, body } = await openDownload(details.videoUrl, allowedHosts);
    if (status === 403 || status === 404) {
      body.resume();
      continue;
    }
    if (status !== 200) {
      body.resume();
      throw new Error(`HeyGen's video download answered HTTP ${status}`);
    }
    let bytes = 0;
    body.on("data", (c: Buffer) => (bytes += c.length));
    const file = bucket.file(target);
    await pipeline(
      body,
      file.createWriteStream({
        resumable: true,
        contentType: "video/mp4",
        metadata: { metadata: { heygenVideoId: videoId } },
      }),
    );
    return bytes;
  }
  throw new Error("HeyGen's video link kept expiring");
}

export async function archiveVideo(
  app: AppContext,
  projectId: string,
  opts: { client?: HeygenClient } = {},
): Promise<ArchiveOutcome> {
  const claimed = await claimArchive(app.db, projectId, app.clock.now());
  if (claimed === null) return "skipped";
  if (claimed === "busy") return "busy";
  const target = archivePath(claimed.uid, projectId);
  const bucket = getBucket(app.config.storageBucket);
  let bytes: number;
  try {
    bytes = await streamVideoToStorage(
      opts.client ?? heygenClientFor(app, claimed.apiVersion),
      claimed.videoId,
      bucket,
      target,
      heygenDownloadHosts(app.config.heygen),
    );
  } catch (err) {
    const delay = RETRY_DELAYS_MIN[Math.min(claimed.attempts - 1, RETRY_DELAYS_MIN.length - 1)];
    const now = app.clock.now();
    const recorded = await scheduleArchiveRetry(app.db, projectId, claimed, {
      message: `Archiving the video failed (${(err as Error).message}); retrying in ${delay} min.`,
      nextAttemptAt: new Date(now.getTime() + delay * 60000),
      now,
    });
    if (recorded !== "written") return "skipped"; // deleted, replaced or taken over meanwhile
    log.warn("video archival failed", {
      projectId,
      videoId: claimed.videoId,
      attempt: claimed.attempts,
      error: err,
    });
    return "failed";
  }
  let captions: Captions | undefined;
  if (claimed.captions) {
    const made = await writeCaptions(bucket, {
      projectId,
      videoId: claimed.videoId,
      ...claimed.captions,
      videoPath: target,
      captionsPath: captionsPath(claimed.uid, projectId),
    });
    captions = { source: claimed.captions.source, script: null, ...made };
  }
  const now = app.clock.now();
  const written = await markArchived(app.db, projectId, claimed, {
    path: target,
    now,
    retainUntil: new Date(now.getTime() + app.config.mediaRetentionDays * 86400000),
    captions,
  });
  if (written === "gone") {
    // The owner deleted the project meanwhile: keep no copy of its video nor its captions.
    await bucket.file(target).delete({ ignoreNotFound: true });
    await bucket.file(captionsPath(claimed.uid, projectId)).delete({ ignoreNotFound: true });
    log.info("project deleted during archival; copy removed", { projectId });
    return "skipped";
  }
  // Refused: this run's lease expired and another run archives (or archived) the video.
  if (written === "refused") return "skipped";
  log.info("video archived", { projectId, videoId: claimed.videoId, bytes });
  return "archived";
}
