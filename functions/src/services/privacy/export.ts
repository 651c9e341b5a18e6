/**
 * `GET /api/me/export`: one JSON document with everything stored about the caller
 * (account and consent, consent log, projects, photoreal jobs and assets,
 * preferences, HeyGen looks and assets, quota counters) and short-lived signed URLs
 * (SIGNED_URL_SECONDS) to every media object of theirs in Storage.
 */
import { Timestamp, type DocumentSnapshot, type Firestore } from "firebase-admin/firestore";
import type { AppContext } from "../../context";
import { getBucket, signedReadUrl } from "../../clients/storage/bucket";
import { userRef } from "../../store/users";

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

const docs = (snaps: DocumentSnapshot[]) =>
  snaps.map((d) => ({ id: d.id, ...(plain(d.data()) as object) }));

async function owned(db: Firestore, collection: string, field: string, uid: string) {
  return docs((await db.collection(collection).where(field, "==", uid).get()).docs);
}

export async function exportUserData(app: AppContext, uid: string) {
  const db = app.db;
  const user = userRef(db, uid);
  const sub = async (name: string) => docs((await user.collection(name).get()).docs);
  const [account, projects, avatarJobs, avatarAssets, preferences] = await Promise.all([
    user.get(),
    owned(db, "projects", "userId", uid),
    owned(db, "avatar_jobs", "user_id", uid),
    owned(db, "avatar_assets", "user_id", uid),
    owned(db, "preferences", "user_id", uid),
  ]);
  const [consentLog, heygenLooks, heygenAssets, counters] = await Promise.all([
    sub("consent_log"),
    sub("heygenAvatarGroups"),
    sub("heygen_assets"),
    sub("counters"),
  ]);
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
    account: account.exists ? plain(account.data()) : null,
    consentLog,
    projects,
    avatarJobs,
    avatarAssets,
    preferences,
    heygenLooks,
    heygenAssets,
    counters,
    media,
  };
}
