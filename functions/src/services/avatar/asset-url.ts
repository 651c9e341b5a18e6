/** `GET /avatar/assets/:assetId`: a V4 signed read URL (1 h) of the owner's GLB, with its maps. */
import type { AppContext } from "../../context";
import { signedReadUrl } from "../../clients/storage/bucket";
import { ApiError } from "../../errors";
import { getOwnedAsset } from "../../store/avatar-assets";
import { visemeMapFor } from "./blendshapes";

export async function signedAsset(app: AppContext, uid: string, assetId: string) {
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
  return { url, expiresIn, blendshapeMap: map, visemes: visemeMapFor(map) };
}
