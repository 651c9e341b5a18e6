/**
 * users/{uid}/heygen_assets/{assetId}: every file this backend uploaded to HeyGen for
 * the user (photos for looks, voice recordings), so withdrawal and erasure can delete
 * them upstream. Written by the server only.
 */
import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";

export const heygenAssetSchema = z.object({
  assetId: z.string(),
  kind: z.enum(["image", "audio"]),
  apiVersion: z.enum(["v2", "v3"]),
});
export type HeygenAsset = z.infer<typeof heygenAssetSchema>;

export const heygenAssets = (db: Firestore, uid: string) =>
  db.collection(`users/${uid}/heygen_assets`);

export async function rememberHeygenAsset(
  db: Firestore,
  uid: string,
  asset: HeygenAsset,
  now: Date,
): Promise<void> {
  await heygenAssets(db, uid)
    .doc(asset.assetId)
    .set({ ...asset, createdAt: now });
}

export async function listHeygenAssets(
  db: Firestore,
  uid: string,
  kind?: HeygenAsset["kind"],
): Promise<HeygenAsset[]> {
  const base = heygenAssets(db, uid);
  const snap = await (kind ? base.where("kind", "==", kind) : base).get();
  return snap.docs.flatMap((d) => {
    const parsed = heygenAssetSchema.safeParse(d.data());
    return parsed.success ? [parsed.data] : [];
  });
}
