/**
 * users/{uid}: written by the server only (rules). `created_at` is set by the write
 * that creates the document (`bornAt`: the first consent grant in consent.ts, or the
 * HeyGen folder step below), and stamped by on_user_created on a document created any
 * other way; `heygenFolderId` by the HeyGen folder step (under the user lock),
 * `consent.{purpose}` by consent.ts, which also writes the seed's `age_confirmed` and
 * `consent_selfie` as a mirror of it (nothing decides on the mirror).
 */
import type {
  DocumentReference,
  DocumentSnapshot,
  Firestore,
  Timestamp,
} from "firebase-admin/firestore";
import { z } from "zod";
import { at, timestampSchema } from "./job-shape";
import type { UserLease } from "./locks";

/** users/{uid}; consent records are parsed per purpose by consent.ts (a bad one counts as none). */
export const userDocSchema = z.object({
  heygenFolderId: z.string().optional(),
  created_at: timestampSchema.optional(),
  consent: z.record(z.string(), z.unknown()).optional(),
  /** Mirrors of the consent records, the seed's names (written by consent.ts). */
  age_confirmed: z.boolean().optional(),
  consent_selfie: z.boolean().optional(),
});
export type UserDoc = z.infer<typeof userDocSchema>;

export function userRef(db: Firestore, uid: string): DocumentReference {
  return db.collection("users").doc(uid);
}

/** The user's document as stored (null when there is none; `{}` when it is not of this shape). */
export async function getUser(db: Firestore, uid: string): Promise<UserDoc | null> {
  const snap = await userRef(db, uid).get();
  if (!snap.exists) return null;
  const parsed = userDocSchema.safeParse(snap.data());
  return parsed.success ? parsed.data : {};
}

/**
 * The fields a write to users/{uid} adds when it creates the document (read in its
 * transaction): `created_at`, so that no reader sees the account without one while
 * on_user_created is on its way.
 */
export function bornAt(snap: DocumentSnapshot, now: Date): { created_at?: Timestamp } {
  return snap.exists ? {} : { created_at: at(now) };
}

/** Stamps `created_at` once; safe to run twice (transaction + state guard). */
export async function stampUserCreated(db: Firestore, uid: string, now: Date): Promise<boolean> {
  const ref = userRef(db, uid);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const user = userDocSchema.safeParse(snap.data());
    if (!snap.exists || (user.success && user.data.created_at)) return false;
    tx.update(ref, { created_at: at(now) });
    return true;
  });
}

/**
 * Records the user's HeyGen folder, under the `heygen-folder` lock: refused when its
 * lease was lost. The first write of a user who never consented (the presenter way)
 * creates the document, with its `created_at`.
 */
export async function saveHeygenFolderId(
  lease: UserLease,
  db: Firestore,
  uid: string,
  folderId: string,
  now: Date,
): Promise<void> {
  const ref = userRef(db, uid);
  await lease.commit(async (tx) => {
    tx.set(ref, { heygenFolderId: folderId, ...bornAt(await tx.get(ref), now) }, { merge: true });
  });
}
