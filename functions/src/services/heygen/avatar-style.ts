/**
 * `avatarStyle` (`normal` | `closeUp` | `circle`, the seed's generate field) means what
 * HeyGen can do with it, or is refused with a 400 naming the field and the values that
 * can be honoured; it is never dropped on the way:
 * - v2, a public avatar (`type: "avatar"`): sent as `avatar_style`, all three values;
 * - v2, a photo look (`type: "talking_photo"`): sent as `talking_photo_style`, whose
 *   frames are `square` (our `normal`) and `circle`; a photo has no close-up framing;
 * - v3: `POST /v3/videos` has no framing field (only `aspect_ratio`/`fit` of the whole
 *   video), so only `normal`, the framing every v3 video has, is accepted.
 * Checked before anything is sent to HeyGen, for the character the request will use.
 */
import type { HeygenApiVersion } from "../../config";
import type { AvatarStyle } from "../../clients/heygen";
import { ApiError } from "../../errors";

/** The character a generate animates: a public avatar, or a photo look (the user's own). */
export type CharacterKind = "avatar" | "look";

export function acceptedAvatarStyles(
  version: HeygenApiVersion,
  kind: CharacterKind,
): readonly AvatarStyle[] {
  if (version === "v3") return ["normal"];
  return kind === "avatar" ? ["normal", "closeUp", "circle"] : ["normal", "circle"];
}

export function checkAvatarStyle(
  version: HeygenApiVersion,
  kind: CharacterKind,
  style: AvatarStyle | undefined,
): void {
  if (style === undefined) return;
  const accepted = acceptedAvatarStyles(version, kind);
  if (accepted.includes(style)) return;
  const why =
    version === "v3"
      ? "HeyGen's v3 API has no framing for an avatar (POST /v3/videos frames every avatar the same, normal, way)"
      : "a photo avatar is a talking_photo on HeyGen's v2 API, framed square (normal) or circle, never close up";
  const message = `"${style}" cannot be honoured: ${why}. Accepted here: ${accepted.join(", ")}.`;
  throw new ApiError("INVALID_REQUEST", `avatarStyle: ${message}`, {
    details: [{ path: "avatarStyle", message, code: "custom", accepted }],
  });
}
