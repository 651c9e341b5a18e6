/**
 * `heygenAvatarId` is accepted only when it is in HeyGen's public catalogue, is the
 * configured fallback, or is one of the caller's own looks (v3) / talking photos (v2).
 * Anything else, another user's look included, is 404: the id is never sent upstream.
 */
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import { isOwnLook } from "../../store/looks";
import { publicAvatars } from "./listings";

export async function requireUsableAvatarId(
  app: AppContext,
  uid: string,
  avatarId: string,
): Promise<"own" | "public"> {
  if (await isOwnLook(app.db, uid, avatarId, app.config.heygen.apiVersion)) return "own";
  if (avatarId === app.config.heygen.fallbackAvatarId) return "public";
  const { items } = await publicAvatars(app);
  if (items.some((a) => a.id === avatarId)) return "public";
  throw new ApiError(
    "NOT_FOUND",
    `Avatar ${avatarId} is not in HeyGen's public catalogue and is not one of your photo avatars; pick one from GET /api/heygen/avatars.`,
  );
}
