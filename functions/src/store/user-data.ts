/**
 * Everything Firestore holds about one user, across collections, for the two data
 * rights that need all of it at once: the export (documents as they are stored, every
 * field, so nothing a schema does not name is left out) and the erasure's Firestore step
 * (every document deleted, the user's own with all its subcollections).
 */
import type { DocumentData, DocumentSnapshot, Firestore } from "firebase-admin/firestore";
import { userRef } from "./users";
import { deleteAllPages, readAllPages } from "./paged-read";

/** The top-level collections holding a user's documents, and the field naming the owner. */
const OWNED: readonly (readonly [string, string])[] = [
  ["projects", "userId"],
  ["avatar_jobs", "user_id"],
  ["avatar_assets", "user_id"],
  ["preferences", "user_id"],
];

/** The subcollections of users/{uid} an export shows. */
const EXPORTED_SUBCOLLECTIONS = [
  "consent_log",
  "heygenAvatarGroups",
  "heygen_assets",
  "counters",
  "speech_timelines",
];

export interface StoredDoc {
  id: string;
  data: DocumentData;
}

const stored = (docs: DocumentSnapshot[]): StoredDoc[] =>
  docs.map((d) => ({ id: d.id, data: d.data() ?? {} }));

export interface UserDocuments {
  account: DocumentData | null;
  /** By collection (`projects`, `avatar_jobs`, …) and subcollection (`consent_log`, …). */
  collections: Record<string, StoredDoc[]>;
}

/** The user's documents as stored, for the export. */
export async function userDocuments(db: Firestore, uid: string): Promise<UserDocuments> {
  const user = userRef(db, uid);
  const [account, ...owned] = await Promise.all([
    user.get(),
    ...OWNED.map(([c, field]) => readAllPages(db.collection(c).where(field, "==", uid))),
  ]);
  const subs = await Promise.all(
    EXPORTED_SUBCOLLECTIONS.map((c) => readAllPages(user.collection(c))),
  );
  const collections: Record<string, StoredDoc[]> = {};
  OWNED.forEach(([c], i) => (collections[c] = stored(owned[i].docs)));
  EXPORTED_SUBCOLLECTIONS.forEach((c, i) => (collections[c] = stored(subs[i].docs)));
  return { account: account.exists ? (account.data() ?? null) : null, collections };
}

/** Deletes every document of the user; returns the deleted paths. */
export async function deleteUserDocuments(db: Firestore, uid: string): Promise<string[]> {
  const deleted: string[] = [];
  for (const [c, field] of OWNED) {
    deleted.push(...(await deleteAllPages(db.collection(c).where(field, "==", uid))));
  }
  // Jobs cancelled before may still be written by a trigger in flight: read once more.
  await deleteAllPages(db.collection("avatar_jobs").where("user_id", "==", uid));
  const user = userRef(db, uid);
  for (const c of await user.listCollections()) {
    deleted.push(...(await c.listDocuments()).map((d) => d.path));
  }
  await db.recursiveDelete(user);
  deleted.push(user.path);
  return deleted;
}
