/**
 * `purge_expired_media` (scheduled daily): archived videos and GLBs are kept
 * MEDIA_RETENTION_DAYS after they were stored (`archiveRetainUntil` on the project,
 * `retain_until` on the asset: the user's documents say until when), then deleted
 * from Storage; the documents record it (`archiveState: "purged"`, `purged_at`).
 * Guarded writes: a repeated or overlapping run purges nothing twice.
 */
import type { AppContext } from "../../context";
import { getBucket } from "../../clients/storage/bucket";
import { log } from "../../logs";
import { expiredArchives, markPurged } from "../../store/project-archive";

export async function purgeExpiredMedia(
  app: AppContext,
): Promise<{ videos: number; glbs: number }> {
  const now = app.clock.now();
  const bucket = getBucket(app.config.storageBucket);
  const report = { videos: 0, glbs: 0 };

  for (const { id, path } of await expiredArchives(app.db, now, 200)) {
    if (!(await markPurged(app.db, id, path, now))) continue;
    await bucket.file(path).delete({ ignoreNotFound: true });
    report.videos++;
  }

  const assets = await app.db
    .collection("avatar_assets")
    .where("retain_until", "<=", now)
    .limit(200)
    .get();
  for (const doc of assets.docs) {
    const key = doc.get("storage_key") as string | null;
    if (!key) continue;
    const purged = await app.db.runTransaction(async (tx) => {
      const snap = await tx.get(doc.ref);
      if (snap.get("storage_key") !== key) return false;
      tx.update(doc.ref, { storage_key: null, retain_until: null, purged_at: now });
      return true;
    });
    if (!purged) continue;
    await bucket.file(key).delete({ ignoreNotFound: true });
    report.glbs++;
  }
  log.info("expired media purged", report);
  return report;
}
