/**
 * `purge_expired_media` (scheduled daily): archived videos (with their captions) and GLBs are kept
 * MEDIA_RETENTION_DAYS after they were stored (`archive.retainUntil` on the project,
 * `retain_until` on the asset: the user's documents say until when), then deleted
 * from Storage; the documents record it (`archive.state: "purged"`, `purged_at`).
 * Guarded writes: a repeated or overlapping run purges nothing twice.
 */
import type { AppContext } from "../../context";
import { getBucket } from "../../clients/storage/bucket";
import { log } from "../../logs";
import { markPurged } from "../../store/project-archive";
import { expiredArchives } from "../../store/project-queries";
import { expiredAssets, markAssetPurged } from "../../store/avatar-assets";

export async function purgeExpiredMedia(
  app: AppContext,
): Promise<{ videos: number; glbs: number }> {
  const now = app.clock.now();
  const bucket = getBucket(app.config.storageBucket);
  const report = { videos: 0, glbs: 0 };

  for (const { id, path, captionsPath } of await expiredArchives(app.db, now, 200)) {
    if (!(await markPurged(app.db, id, path, now))) continue;
    await bucket.file(path).delete({ ignoreNotFound: true });
    if (captionsPath) await bucket.file(captionsPath).delete({ ignoreNotFound: true });
    report.videos++;
  }

  for (const { id, key } of await expiredAssets(app.db, now, 200)) {
    if (!(await markAssetPurged(app.db, id, key, now))) continue;
    await bucket.file(key).delete({ ignoreNotFound: true });
    report.glbs++;
  }
  log.info("expired media purged", report);
  return report;
}
