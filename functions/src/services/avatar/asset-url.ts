/** `GET /avatar/assets/:assetId`: a V4 signed read URL (1 h) of the owner's GLB, with its maps. */
import type { AppContext } from "../../context";
import { getBucket } from "../../clients/storage/bucket";
import { notFound } from "../../errors";
import { visemeMapFor, type BlendshapeMap } from "./blendshapes";

export const ASSET_URL_SECONDS = 3600;

export async function signedAsset(app: AppContext, uid: string, assetId: string) {
  const snap = await app.db.collection("avatar_assets").doc(assetId).get();
  if (!snap.exists || snap.get("user_id") !== uid) throw notFound(`Avatar asset ${assetId}`);
  const key = snap.get("storage_key") as string;
  const map = snap.get("blendshape_map") as BlendshapeMap;
  const [url] = await getBucket(app.config.storageBucket)
    .file(key)
    .getSignedUrl({
      version: "v4",
      action: "read",
      expires: app.clock.now().getTime() + ASSET_URL_SECONDS * 1000,
    });
  return { url, expiresIn: ASSET_URL_SECONDS, blendshapeMap: map, visemes: visemeMapFor(map) };
}
