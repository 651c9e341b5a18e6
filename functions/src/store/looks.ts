/**
 * users/{uid}/heygenAvatarGroups/{imageHash}: one document per look (what HeyGen's
 * wire calls a photo avatar or talking photo; our code says "look") in the user's
 * single HeyGen group `masky_{uid}`. The document id is the sha256 of the photo's
 * bytes, so the same photo always maps to the same look. The stored field names are
 * the design's (`talking_photo_id` holds the look id).
 */
import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import type { UserLease } from "./locks";

export const lookDocSchema = z.object({
  avatar_group_id: z.string(),
  talking_photo_id: z.string(),
  lookStatus: z.string(),
  imageHash: z.string(),
  avatarUrl: z.string(),
  apiVersion: z.enum(["v2", "v3"]),
  /** The look's default voice as HeyGen reported it when the look became usable. */
  defaultVoiceId: z.string().nullish(),
});
export type LookDoc = z.infer<typeof lookDocSchema>;

const looks = (db: Firestore, uid: string) => db.collection(`users/${uid}/heygenAvatarGroups`);

export async function findLook(
  db: Firestore,
  uid: string,
  imageHash: string,
  apiVersion: "v2" | "v3",
) {
  const snap = await looks(db, uid).doc(imageHash).get();
  const parsed = lookDocSchema.safeParse(snap.data());
  return parsed.success && parsed.data.apiVersion === apiVersion ? parsed.data : null;
}

/** The user's group id for this API version, from any of their looks. */
export async function findGroupId(
  db: Firestore,
  uid: string,
  apiVersion: "v2" | "v3",
): Promise<string | null> {
  const snap = await looks(db, uid).where("apiVersion", "==", apiVersion).limit(1).get();
  return (snap.docs[0]?.get("avatar_group_id") as string | undefined) ?? null;
}

/** Written under the user's `heygen-group` lock: refused when its lease was lost. */
export async function saveLook(
  lease: UserLease,
  db: Firestore,
  uid: string,
  look: LookDoc,
  now: Date,
): Promise<void> {
  const ref = looks(db, uid).doc(look.imageHash);
  await lease.commit((tx) => tx.set(ref, { ...look, createdAt: now, updatedAt: now }));
}

export async function setLookStatus(
  db: Firestore,
  uid: string,
  imageHash: string,
  status: string,
  now: Date,
  defaultVoiceId?: string | null,
) {
  await looks(db, uid)
    .doc(imageHash)
    .update({
      lookStatus: status,
      updatedAt: now,
      ...(defaultVoiceId !== undefined ? { defaultVoiceId } : {}),
    });
}

/** Whether this HeyGen look / talking-photo id is one of the user's own (their face). */
export async function isOwnLook(
  db: Firestore,
  uid: string,
  lookId: string,
  apiVersion?: "v2" | "v3",
): Promise<boolean> {
  const snap = await looks(db, uid).where("talking_photo_id", "==", lookId).limit(5).get();
  return snap.docs.some((d) => !apiVersion || d.get("apiVersion") === apiVersion);
}

/** The user's own usable looks of one API version (for their avatar listing). */
export async function listOwnLooks(
  db: Firestore,
  uid: string,
  apiVersion: "v2" | "v3",
): Promise<LookDoc[]> {
  const snap = await looks(db, uid).where("apiVersion", "==", apiVersion).get();
  return snap.docs.flatMap((d) => {
    const parsed = lookDocSchema.safeParse(d.data());
    return parsed.success && parsed.data.lookStatus === "completed" ? [parsed.data] : [];
  });
}
