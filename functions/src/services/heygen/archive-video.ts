/**
 * Archival: HeyGen's video links die after 7 days, so a finished video is streamed
 * from HeyGen into Storage at `videos/{uid}/{projectId}.mp4` (never held in memory).
 * Claimed in a transaction (state guard + lease) so overlapping runs never archive
 * twice at once; a failure is recorded with the next attempt time and retried by the
 * poller; archival never touches the status fields.
 */
import type { Bucket } from "@google-cloud/storage";
import { pipeline } from "node:stream/promises";
import type { AppContext } from "../../context";
import type { HeygenClient } from "../../clients/heygen";
import { getBucket } from "../../clients/storage/bucket";
import { log } from "../../logs";
import { projectRef, projectSchema } from "../../store/projects";
import { heygenClientFor } from "./client";
import { guardedGet } from "../../clients/http/guarded-download";

/** Longer than a download of a long video can take inside the trigger's timeout. */
export const ARCHIVE_LEASE_MS = 10 * 60 * 1000;
const RETRY_DELAYS_MIN = [1, 5, 15, 60, 180, 360];

export const archivePath = (uid: string, projectId: string): string =>
  `videos/${uid}/${projectId}.mp4`;

/** gRPC status of a Firestore write to a document that no longer exists. */
const NOT_FOUND = 5;

export type ArchiveOutcome = "archived" | "skipped" | "busy" | "failed";

async function claim(app: AppContext, projectId: string) {
  const ref = projectRef(app.db, projectId);
  const nowMs = app.clock.now().getTime();
  return app.db.runTransaction(async (tx) => {
    const parsed = projectSchema.safeParse((await tx.get(ref)).data());
    if (!parsed.success) return null;
    const p = parsed.data;
    if (
      p.heygenStatus !== "completed" ||
      !p.heygenVideoId ||
      p.archivedVideoPath ||
      p.archiveState === "done" ||
      p.archiveState === "purged"
    ) {
      return null;
    }
    if (p.archiveState === "running" && (p.archiveNextAttemptAt?.toMillis() ?? 0) > nowMs)
      return "busy" as const;
    const attempts = (p.archiveAttempts ?? 0) + 1;
    tx.update(ref, {
      archiveState: "running",
      archiveAttempts: attempts,
      // While running, the next attempt time is the lease: a dead run is retried after it.
      archiveNextAttemptAt: new Date(nowMs + ARCHIVE_LEASE_MS),
    });
    return { uid: p.userId, videoId: p.heygenVideoId, attempts, apiVersion: p.heygenApiVersion };
  });
}

/** HeyGen's media hosts (CloudFront-signed links on files*.heygen.ai, heygen-api.md §0). */
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
  const claimed = await claim(app, projectId);
  if (claimed === null) return "skipped";
  if (claimed === "busy") return "busy";
  const target = archivePath(claimed.uid, projectId);
  const ref = projectRef(app.db, projectId);
  try {
    const bucket = getBucket(app.config.storageBucket);
    const bytes = await streamVideoToStorage(
      opts.client ?? heygenClientFor(app, claimed.apiVersion),
      claimed.videoId,
      bucket,
      target,
      heygenDownloadHosts(app.config.heygen),
    );
    const projectExists = await app.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists) return false;
      const current = projectSchema.parse(snap.data());
      if (current.heygenVideoId !== claimed.videoId) return true; // a newer video replaced it meanwhile
      tx.update(ref, {
        archivedVideoPath: target,
        archiveState: "done",
        archiveNextAttemptAt: null,
        archiveError: null,
        archivedAt: app.clock.now(),
        // Retention: the copy is purged after MEDIA_RETENTION_DAYS (purge_expired_media).
        archiveRetainUntil: new Date(
          app.clock.now().getTime() + app.config.mediaRetentionDays * 86400000,
        ),
      });
      return true;
    });
    if (!projectExists) {
      // The owner deleted the project meanwhile: keep no copy of its video.
      await bucket.file(target).delete({ ignoreNotFound: true });
      log.info("project deleted during archival; copy removed", { projectId });
      return "skipped";
    }
    log.info("video archived", { projectId, videoId: claimed.videoId, bytes });
    return "archived";
  } catch (err) {
    const delay = RETRY_DELAYS_MIN[Math.min(claimed.attempts - 1, RETRY_DELAYS_MIN.length - 1)];
    const recorded = await ref
      .update({
        archiveState: "failed",
        archiveError: `Archiving the video failed (${(err as Error).message}); retrying in ${delay} min.`,
        archiveNextAttemptAt: new Date(app.clock.now().getTime() + delay * 60000),
      })
      .then(
        () => true,
        (updateErr: { code?: number }) => {
          if (updateErr.code === NOT_FOUND) return false; // deleted meanwhile: nothing to retry
          throw updateErr;
        },
      );
    if (!recorded) return "skipped";
    log.warn("video archival failed", {
      projectId,
      videoId: claimed.videoId,
      attempt: claimed.attempts,
      error: err,
    });
    return "failed";
  }
}
