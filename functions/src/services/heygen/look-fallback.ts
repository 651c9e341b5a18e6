/**
 * The seed's fallback rule, applied after a look failure too: when HeyGen cannot make
 * a usable look of the user's photo (the look ended `failed`, or HeyGen refused the
 * photo) and a public fallback avatar is configured, the video is made with that
 * avatar (`fallbackAvatarUsed: true`) instead of failing. Transient failures (HeyGen
 * busy or down, the look still processing) are not a verdict on the photo: they are
 * answered as they are, so that a retry can still use the photo.
 */
import type { AppContext } from "../../context";
import { log } from "../../logs";
import { heygenToApiError } from "./upstream-errors";

/** The fallback avatar id to use instead of the failed look; throws the mapped error otherwise. */
export function fallbackAfterLookFailure(app: AppContext, uid: string, err: unknown): string {
  const mapped = heygenToApiError(err, "preparing your photo avatar");
  const fallbackId = app.config.heygen.fallbackAvatarId;
  if (mapped.code !== "INVALID_REQUEST" || !fallbackId) throw mapped;
  log.warn("HeyGen could not make a look of the photo; using the public fallback avatar", {
    uid,
    reason: mapped.message,
  });
  return fallbackId;
}
