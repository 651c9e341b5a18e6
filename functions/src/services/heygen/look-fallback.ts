/**
 * The seed's fallback rule: "If no mapping/avatars can be resolved from the user's
 * asset, backend attempts a public avatar fallback; if still unavailable, returns 400
 * HEYGEN_AVATAR_REQUIRED with guidance." Applied after a look failure too: when HeyGen
 * cannot make a usable look of the user's photo (the look ended `failed`, or HeyGen
 * refused the photo) and a public fallback avatar is configured, the video is made with
 * that avatar (`fallbackAvatarUsed: true`) instead of failing. Transient failures
 * (HeyGen busy or down, the look still processing) are not a verdict on the photo:
 * they are answered as they are, so that a retry can still use the photo.
 *
 * Every way of ending without an avatar answers HEYGEN_AVATAR_REQUIRED: no photo and no
 * fallback (generate-steps.ts), a failed look and no fallback, and a fallback avatar
 * HeyGen no longer has.
 */
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import { HeygenError } from "../../clients/heygen/errors";
import { log } from "../../logs";
import { heygenToApiError } from "./upstream-errors";

/** What the user can do when no avatar could be resolved. */
export const AVATAR_GUIDANCE =
  "upload a clear, front-facing photo and send it as userAvatarUrl (or set avatarUrl on the project), or pass heygenAvatarId (GET /api/heygen/avatars lists them)";

/** No photo, no explicit avatar, no fallback configured. */
export const noAvatarGiven = (): ApiError =>
  new ApiError("HEYGEN_AVATAR_REQUIRED", `No avatar to animate: ${AVATAR_GUIDANCE}.`);

/** The fallback avatar id to use instead of the failed look; throws otherwise. */
export function fallbackAfterLookFailure(app: AppContext, uid: string, err: unknown): string {
  const mapped = heygenToApiError(err, "preparing your photo avatar");
  if (mapped.code !== "INVALID_REQUEST") throw mapped;
  const fallbackId = app.config.heygen.fallbackAvatarId;
  if (!fallbackId) {
    // A verdict on the photo and nothing to fall back to: no avatar can be resolved.
    throw new ApiError(
      "HEYGEN_AVATAR_REQUIRED",
      `${mapped.message} No public fallback avatar is configured: ${AVATAR_GUIDANCE}.`,
      { cause: err, details: mapped.details },
    );
  }
  log.warn("HeyGen could not make a look of the photo; using the public fallback avatar", {
    uid,
    reason: mapped.message,
  });
  return fallbackId;
}

/**
 * A create with the fallback avatar that HeyGen refuses because it does not have that
 * avatar (any more): the fallback is "still unavailable". Other failures are returned
 * as they came.
 */
export function fallbackUnavailable(err: unknown): unknown {
  if (!(err instanceof HeygenError) || String(err.code).toLowerCase() !== "avatar_not_found")
    return err;
  log.error("HeyGen does not have the fallback avatar; HEYGEN_FALLBACK_AVATAR_ID needs fixing", {
    heygenCode: err.code,
    requestId: err.requestId,
  });
  return new ApiError(
    "HEYGEN_AVATAR_REQUIRED",
    `No avatar to animate: the public fallback avatar is not available at HeyGen; ${AVATAR_GUIDANCE}.`,
    { cause: err, details: { heygenCode: err.code } },
  );
}
