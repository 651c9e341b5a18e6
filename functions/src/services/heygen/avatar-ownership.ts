/**
 * `heygenAvatarId` is accepted only when it is in HeyGen's public catalogue, is the
 * configured fallback, or is one of the caller's own looks (v3) / talking photos (v2).
 * Anything else, another user's look included, is 404: the id is never sent upstream
 * (the decision: store/ownership.ts `avatarIdUse`).
 */
import type { AppContext } from "../../context";
import { isOwnLook } from "../../store/looks";
import { avatarIdUse } from "../../store/ownership";
import { publicAvatars } from "./listings";

export async function requireUsableAvatarId(
  app: AppContext,
  uid: string,
  avatarId: string,
): Promise<"own" | "public"> {
  return avatarIdUse(avatarId, {
    ownLook: await isOwnLook(app.db, uid, avatarId, app.config.heygen.apiVersion),
    fallbackAvatarId: app.config.heygen.fallbackAvatarId,
    inCatalogue: async () => (await publicAvatars(app)).items.some((a) => a.id === avatarId),
  });
}
