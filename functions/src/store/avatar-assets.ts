/**
 * avatar_assets/{assetId}: the GLB a job produced (one asset per job: the asset id is the
 * job id), written by the server only (the sweep's finalisation), read by the owner. The
 * GLB lives at `storage_key` until the retention period ends; then it is deleted and the
 * document records it (`storage_key: null`, `purged_at`).
 */
import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { ownedOrNotFound } from "./ownership";
import { at, timestampSchema } from "./job-shape";
import { parsedDocs, zodConverter } from "./typed";
import { readAllPages } from "./paged-read";

/** The blendshape map served with the asset (services/avatar/blendshapes.ts builds it). */
export const blendshapeMapSchema = z.object({
  /** ARKit name → the model's morph (or pose) name. */
  arkit: z.record(z.string(), z.string()),
  /** Viseme code → the model's morph (or pose) name. */
  visemes: z.record(z.string(), z.string()),
  missing: z.object({ arkit: z.array(z.string()), visemes: z.array(z.string()) }),
  unmapped: z.array(z.string()),
});

/** avatar_assets/{assetId}. */
export const avatarAssetSchema = z.object({
  user_id: z.string(),
  job_id: z.string(),
  provider: z.string(),
  /** `avatars/{assetId}/model.glb`; null once purged after the retention period. */
  storage_key: z.string().nullable(),
  /** Retention: the GLB is deleted after this (purge_expired_media). */
  retain_until: timestampSchema.nullable(),
  blendshape_map: blendshapeMapSchema,
  meshes: z.array(z.object({ mesh: z.string(), morphTargets: z.number() })).default([]),
  created_at: timestampSchema,
  purged_at: timestampSchema.nullish(),
});
export type AvatarAsset = z.infer<typeof avatarAssetSchema>;

const assets = (db: Firestore) =>
  db.collection("avatar_assets").withConverter(zodConverter(avatarAssetSchema));

export async function saveAsset(
  db: Firestore,
  assetId: string,
  asset: Omit<AvatarAsset, "created_at" | "retain_until" | "purged_at">,
  times: { now: Date; retainUntil: Date },
): Promise<void> {
  await assets(db)
    .doc(assetId)
    .set({
      ...asset,
      created_at: at(times.now),
      retain_until: at(times.retainUntil),
      purged_at: null,
    });
}

/** The owner's asset; 404 for anyone else's (or none). */
export async function getOwnedAsset(
  db: Firestore,
  assetId: string,
  uid: string,
): Promise<AvatarAsset> {
  let asset: AvatarAsset | undefined;
  try {
    asset = (await assets(db).doc(assetId).get()).data();
  } catch {
    asset = undefined;
  }
  return ownedOrNotFound(asset, (a) => a.user_id, uid, `Avatar asset ${assetId}`);
}

/** The user's assets (export, erasure). */
export async function assetsOfUser(
  db: Firestore,
  uid: string,
): Promise<{ id: string; asset: AvatarAsset }[]> {
  const snap = await readAllPages(assets(db).where("user_id", "==", uid));
  return parsedDocs(snap).map(({ doc, data }) => ({ id: doc.id, asset: data }));
}

/** Assets whose retention ended: `{id, key}` of those still holding a GLB. */
export async function expiredAssets(
  db: Firestore,
  now: Date,
  limit: number,
): Promise<{ id: string; key: string }[]> {
  const snap = await assets(db).where("retain_until", "<=", now).limit(limit).get();
  return parsedDocs(snap).flatMap(({ doc, data }) =>
    data.storage_key ? [{ id: doc.id, key: data.storage_key }] : [],
  );
}

/** Records the purge while the asset still holds this GLB; true when this call purged it. */
export async function markAssetPurged(
  db: Firestore,
  assetId: string,
  key: string,
  now: Date,
): Promise<boolean> {
  const ref = assets(db).doc(assetId);
  return db.runTransaction(async (tx) => {
    const asset = (await tx.get(ref)).data();
    if (asset?.storage_key !== key) return false;
    tx.update(ref, { storage_key: null, retain_until: null, purged_at: now });
    return true;
  });
}
