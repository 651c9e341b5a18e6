/** Everything of a user the suite can find: Firestore documents, Storage objects, HeyGen ids. */
import { db } from "./admin";
import { bucket } from "./storage";

export async function footprint(uid: string) {
  const q = (c: string, f: string) =>
    db()
      .collection(c)
      .where(f, "==", uid)
      .get()
      .then((s) => s.docs);
  const [projects, jobs, assets, prefs] = await Promise.all([
    q("projects", "userId"),
    q("avatar_jobs", "user_id"),
    q("avatar_assets", "user_id"),
    q("preferences", "user_id"),
  ]);
  const looks = (await db().collection(`users/${uid}/heygenAvatarGroups`).get()).docs;
  const heygenAssets = (await db().collection(`users/${uid}/heygen_assets`).get()).docs;
  const files: string[] = [];
  for (const prefix of [`users/${uid}/`, `selfies/${uid}/`, `videos/${uid}/`]) {
    const [found] = await bucket().getFiles({ prefix });
    files.push(...found.map((f) => f.name));
  }
  for (const a of assets) {
    const [found] = await bucket().getFiles({ prefix: `avatars/${a.id}/` });
    files.push(...found.map((f) => f.name));
  }
  return {
    projects,
    jobs,
    assets,
    prefs,
    looks,
    heygenAssets,
    files,
    userDoc: (await db().doc(`users/${uid}`).get()).exists,
    videoIds: projects.map((p) => ({
      id: p.get("heygenVideoId") as string,
      v: p.get("video.apiVersion") as string,
    })),
  };
}
