/** Typed access to `users/{uid}`. */
import type { DocumentReference, Firestore, Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

/**
 * Stored shape, parsed leniently. Consent lives in `consent` (src/store/consent.ts),
 * which also writes the seed's `age_confirmed` and `consent_selfie` as a mirror of it.
 */
export const userDocSchema = z.object({
  heygenFolderId: z.string().optional(),
  created_at: z.custom<Timestamp>().optional(),
});
export type UserDoc = z.infer<typeof userDocSchema>;

export function userRef(db: Firestore, uid: string): DocumentReference {
  return db.collection("users").doc(uid);
}

export async function getUser(db: Firestore, uid: string): Promise<UserDoc | null> {
  const snap = await userRef(db, uid).get();
  if (!snap.exists) return null;
  const parsed = userDocSchema.safeParse(snap.data());
  return parsed.success ? parsed.data : {};
}

/** Stamps `created_at` once; safe to run twice (transaction + state guard). */
export async function stampUserCreated(db: Firestore, uid: string, at: Date): Promise<boolean> {
  const ref = userRef(db, uid);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists || snap.get("created_at") != null) return false;
    tx.update(ref, { created_at: at });
    return true;
  });
}
