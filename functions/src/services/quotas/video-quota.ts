/**
 * The HeyGen video budget: per user per UTC day (QUOTA_VIDEOS_PER_USER_PER_DAY) and
 * for the whole project (QUOTA_HEYGEN_VIDEOS_PER_DAY), reserved in one Firestore
 * transaction before anything is written or sent, and given back when the generate
 * ends without a new video (an in-flight video returned, or a failure).
 */
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import {
  dayWindow,
  projectCounter,
  readCount,
  userCounter,
  writeCount,
} from "../../store/counters";
import { runContended } from "../../store/contended-transaction";

export const USER_VIDEOS = "heygen_videos_day";
export const PROJECT_VIDEOS = "heygen_videos_day";

export interface Reservation {
  /** The UTC day the video was reserved in: a deferred generate keeps it to give it back. */
  window: string;
  /** Gives the reserved video back (idempotent). */
  release(): Promise<void>;
}

export function quotaExceeded(
  message: string,
  details: Record<string, unknown>,
  retryAfterSeconds: number,
): ApiError {
  return new ApiError("QUOTA_EXCEEDED", message, {
    details,
    headers: { "Retry-After": String(retryAfterSeconds) },
  });
}

export async function reserveVideo(app: AppContext, uid: string): Promise<Reservation> {
  const { videosPerUserPerDay, heygenVideosPerDay } = app.config.quotas;
  const at = app.clock.now();
  const { window, resetsInSeconds } = dayWindow(at);
  const mine = userCounter(app.db, uid, USER_VIDEOS);
  const all = projectCounter(app.db, PROJECT_VIDEOS);
  await runContended(app.db, async (tx) => {
    const [used, usedAll] = [await readCount(tx, mine, window), await readCount(tx, all, window)];
    if (used >= videosPerUserPerDay) {
      throw quotaExceeded(
        `You have started ${used} videos today, the daily limit; try again after midnight UTC.`,
        { scope: "user", limit: videosPerUserPerDay, window },
        resetsInSeconds,
      );
    }
    if (usedAll >= heygenVideosPerDay) {
      throw quotaExceeded(
        "The service has used today's video budget; try again after midnight UTC.",
        { scope: "project", limit: heygenVideosPerDay, window },
        resetsInSeconds,
      );
    }
    writeCount(tx, mine, window, used + 1, at);
    writeCount(tx, all, window, usedAll + 1, at);
  });
  let released = false;
  return {
    window,
    async release() {
      if (released) return;
      released = true;
      await releaseVideo(app, uid, window);
    },
  };
}

/**
 * Gives back a video reserved in `window` (its day), e.g. by a deferred generate whose
 * background run failed. The caller makes sure it happens once (a state guard).
 */
export async function releaseVideo(app: AppContext, uid: string, window: string): Promise<void> {
  const mine = userCounter(app.db, uid, USER_VIDEOS);
  const all = projectCounter(app.db, PROJECT_VIDEOS);
  await runContended(app.db, async (tx) => {
    const [used, usedAll] = [await readCount(tx, mine, window), await readCount(tx, all, window)];
    const now = app.clock.now();
    if (used > 0) writeCount(tx, mine, window, used - 1, now);
    if (usedAll > 0) writeCount(tx, all, window, usedAll - 1, now);
  });
}
