/**
 * `GET /avatar/assets/:assetId`: a V4 signed read URL (1 h) of the owner's GLB, with its
 * blendshape map and the viseme groups in the mix asked for (the seed's by default).
 */
import type { AppContext } from "../../context";
import { signedReadUrl } from "../../clients/storage/bucket";
import { ApiError } from "../../errors";
import { getOwnedAsset } from "../../store/avatar-assets";
import { visemeMapFor, type VisemeMix } from "./blendshapes";

export async function signedAsset(
  app: AppContext,
  uid: string,
  assetId: string,
  visemeMix: VisemeMix = "seed",
) {
  const asset = await getOwnedAsset(app.db, assetId, uid);
  if (!asset.storage_key) {
    throw new ApiError(
      "NOT_FOUND",
      `Avatar asset ${assetId} was purged after the retention period; create a new avatar.`,
    );
  }
  const map = asset.blendshape_map;
  const { url, expiresIn } = await signedReadUrl(
    app.config.storageBucket,
    asset.storage_key,
    app.clock.now(),
  );
  return {
    url,
    expiresIn,
    blendshapeMap: map,
    visemeMix,
    visemes: visemeMapFor(map, visemeMix),
  };
}
