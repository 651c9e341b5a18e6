/**
 * users/{uid}/heygenAvatarGroups/{imageHash}: one document per look (what HeyGen's
 * wire calls a photo avatar or talking photo; our code says "look") in the user's
 * single HeyGen group `masky_{uid}`. The document id is the sha256 of the photo's
 * bytes, so the same photo always maps to the same look. The stored field names are
 * the design's (`talking_photo_id` holds the look id).
 */
import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { at, timestampSchema } from "./job-shape";
import type { UserLease } from "./locks";
import { hasLookOfVersion } from "./ownership";
import { parsedDocs, zodConverter } from "./typed";
import { readAllPages } from "./paged-read";
import { userRef } from "./users";

export const lookDocSchema = z.object({
  avatar_group_id: z.string(),
  talking_photo_id: z.string(),
  lookStatus: z.string(),
  imageHash: z.string(),
  avatarUrl: z.string(),
  apiVersion: z.enum(["v2", "v3"]),
  /** The look's default voice as HeyGen reported it when the look became usable. */
  defaultVoiceId: z.string().nullish(),
  createdAt: timestampSchema.nullish(),
  updatedAt: timestampSchema.nullish(),
});
export type LookDoc = z.infer<typeof lookDocSchema>;

const looks = (db: Firestore, uid: string) =>
  userRef(db, uid).collection("heygenAvatarGroups").withConverter(zodConverter(lookDocSchema));

export async function findLook(
  db: Firestore,
  uid: string,
  imageHash: string,
  apiVersion: "v2" | "v3",
) {
  let look: LookDoc | undefined;
  try {
    look = (await looks(db, uid).doc(imageHash).get()).data();
  } catch {
    look = undefined; // not of this shape: made again
  }
  return look?.apiVersion === apiVersion ? look : null;
}

/** The user's group id for this API version, from any of their looks. */
export async function findGroupId(
  db: Firestore,
  uid: string,
  apiVersion: "v2" | "v3",
): Promise<string | null> {
  const snap = await looks(db, uid).where("apiVersion", "==", apiVersion).limit(1).get();
  return parsedDocs(snap)[0]?.data.avatar_group_id ?? null;
}

/** Written under the user's `heygen-group` lock: refused when its lease was lost. */
export async function saveLook(
  lease: UserLease,
  db: Firestore,
  uid: string,
  look: Omit<LookDoc, "createdAt" | "updatedAt">,
  now: Date,
): Promise<void> {
  const ref = looks(db, uid).doc(look.imageHash);
  await lease.commit((tx) => tx.set(ref, { ...look, createdAt: at(now), updatedAt: at(now) }));
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
  return hasLookOfVersion(
    parsedDocs(snap).map(({ data }) => data),
    apiVersion,
  );
}

/** The user's own usable looks of one API version (for their avatar listing). */
export async function listOwnLooks(
  db: Firestore,
  uid: string,
  apiVersion: "v2" | "v3",
): Promise<LookDoc[]> {
  const snap = await readAllPages(looks(db, uid).where("apiVersion", "==", apiVersion));
  return parsedDocs(snap).flatMap(({ data }) => (data.lookStatus === "completed" ? [data] : []));
}

/** All the user's looks, each with its document id (withdrawal, erasure). */
export async function looksOfUser(
  db: Firestore,
  uid: string,
): Promise<{ id: string; look: LookDoc }[]> {
  return parsedDocs(await readAllPages(looks(db, uid))).map(({ doc, data }) => ({
    id: doc.id,
    look: data,
  }));
}

/** Forgets a look (deleted at HeyGen, or known not deletable there); returns its path. */
export async function deleteLook(db: Firestore, uid: string, id: string): Promise<string> {
  const ref = looks(db, uid).doc(id);
  await ref.delete();
  return ref.path;
}
