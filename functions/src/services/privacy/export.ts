/**
 * `GET /api/me/export`: one JSON document with everything stored about the caller
 * (account and consent, consent log, projects, photoreal jobs and assets,
 * preferences, HeyGen looks and assets, quota counters, speech timelines) and short-lived signed URLs
 * (SIGNED_URL_SECONDS) to every media object of theirs in Storage.
 */
import { Timestamp } from "firebase-admin/firestore";
import type { AppContext } from "../../context";
import { getBucket, signedReadUrl } from "../../clients/storage/bucket";
import { userDocuments } from "../../store/user-data";

/** Firestore values as JSON: timestamps become ISO strings. */
function plain(value: unknown): unknown {
  if (value instanceof Timestamp) return value.toDate().toISOString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

export async function exportUserData(app: AppContext, uid: string) {
  const { account, collections } = await userDocuments(app.db, uid);
  const docs = (name: string) =>
    (collections[name] ?? []).map((d) => ({ id: d.id, ...(plain(d.data) as object) }));
  const avatarAssets = docs("avatar_assets");
  const bucket = getBucket(app.config.storageBucket);
  const prefixes = [
    `users/${uid}/`,
    `selfies/${uid}/`,
    `videos/${uid}/`,
    ...avatarAssets.map((a) => `avatars/${a.id}/`),
  ];
  const media = [];
  for (const prefix of prefixes) {
    const [files] = await bucket.getFiles({ prefix });
    for (const f of files) {
      const { url, expiresIn } = await signedReadUrl(bucket.name, f.name, app.clock.now());
      media.push({
        path: f.name,
        contentType: f.metadata.contentType ?? null,
        size: Number(f.metadata.size ?? 0),
        url,
        expiresIn,
      });
    }
  }
  return {
    exportedAt: app.clock.now().toISOString(),
    uid,
    account: account ? plain(account) : null,
    consentLog: docs("consent_log"),
    projects: docs("projects"),
    avatarJobs: docs("avatar_jobs"),
    avatarAssets,
    preferences: docs("preferences"),
    heygenLooks: docs("heygenAvatarGroups"),
    heygenAssets: docs("heygen_assets"),
    counters: docs("counters"),
    speechTimelines: docs("speech_timelines"),
    media,
  };
}
