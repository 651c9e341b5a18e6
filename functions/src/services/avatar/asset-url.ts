/**
 * `GET /avatar/assets/:assetId`: a V4 signed read URL (1 h) of the owner's GLB, with its
 * blendshape map and the viseme groups in the mix asked for (the seed's by default).
 */
import type { AppContext } from "../../context";
import { signedReadUrl } from "../../clients/storage/bucket";
import { ApiError, notFound } from "../../errors";
import { visemeMapFor, type BlendshapeMap, type VisemeMix } from "./blendshapes";

export async function signedAsset(
  app: AppContext,
  uid: string,
  assetId: string,
  visemeMix: VisemeMix = "seed",
) {
  const snap = await app.db.collection("avatar_assets").doc(assetId).get();
  if (!snap.exists || snap.get("user_id") !== uid) throw notFound(`Avatar asset ${assetId}`);
  const key = snap.get("storage_key") as string | null;
  if (!key) {
    throw new ApiError(
      "NOT_FOUND",
      `Avatar asset ${assetId} was purged after the retention period; create a new avatar.`,
    );
  }
  const map = snap.get("blendshape_map") as BlendshapeMap;
  const { url, expiresIn } = await signedReadUrl(app.config.storageBucket, key, app.clock.now());
  return {
    url,
    expiresIn,
    blendshapeMap: map,
    visemeMix,
    visemes: visemeMapFor(map, visemeMix),
  };
}
