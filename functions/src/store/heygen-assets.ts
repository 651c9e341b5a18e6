/**
 * users/{uid}/heygen_assets/{assetId}: every file this backend uploaded to HeyGen for
 * the user (photos for looks, voice recordings), so withdrawal and erasure can delete
 * them upstream. Written by the server only.
 */
import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { at, timestampSchema } from "./job-shape";
import { parsedDocs, zodConverter } from "./typed";
import { readAllPages } from "./paged-read";
import { userRef } from "./users";

/** users/{uid}/heygen_assets/{assetId}. */
export const heygenAssetSchema = z.object({
  assetId: z.string(),
  kind: z.enum(["image", "audio"]),
  apiVersion: z.enum(["v2", "v3"]),
  createdAt: timestampSchema.nullish(),
});
export type HeygenAsset = z.infer<typeof heygenAssetSchema>;

const heygenAssets = (db: Firestore, uid: string) =>
  userRef(db, uid).collection("heygen_assets").withConverter(zodConverter(heygenAssetSchema));

export async function rememberHeygenAsset(
  db: Firestore,
  uid: string,
  asset: Omit<HeygenAsset, "createdAt">,
  now: Date,
): Promise<void> {
  await heygenAssets(db, uid)
    .doc(asset.assetId)
    .set({ ...asset, createdAt: at(now) });
}

export async function listHeygenAssets(
  db: Firestore,
  uid: string,
  kind?: HeygenAsset["kind"],
): Promise<HeygenAsset[]> {
  const base = heygenAssets(db, uid);
  const snap = await readAllPages(kind ? base.where("kind", "==", kind) : base);
  return parsedDocs(snap).map(({ data }) => data);
}

/** Forgets an asset deleted at HeyGen (or known not deletable there); returns its path. */
export async function forgetHeygenAsset(
  db: Firestore,
  uid: string,
  assetId: string,
): Promise<string> {
  const ref = heygenAssets(db, uid).doc(assetId);
  await ref.delete();
  return ref.path;
}
