/**
 * The HeyGen video budget: per user per UTC day (QUOTA_VIDEOS_PER_USER_PER_DAY) and
 * for the whole project (QUOTA_HEYGEN_VIDEOS_PER_DAY), reserved in one Firestore
 * transaction before anything is written or sent, and given back when the generate
 * ends without a new video (an in-flight video returned, or a failure). The decisions:
 * quota-decisions.ts.
 */
import type { AppContext } from "../../context";
import {
  dayWindow,
  projectCounter,
  readCount,
  userCounter,
  writeCount,
} from "../../store/counters";
import { releaseVideoDecision, reserveVideoDecision } from "./quota-decisions";
import { runContended } from "../../store/contended-transaction";

export const USER_VIDEOS = "heygen_videos_day";
export const PROJECT_VIDEOS = "heygen_videos_day";

export interface Reservation {
  /** The UTC day the video was reserved in: a deferred generate keeps it to give it back. */
  window: string;
  /** Gives the reserved video back (idempotent). */
  release(): Promise<void>;
}

export async function reserveVideo(app: AppContext, uid: string): Promise<Reservation> {
  const at = app.clock.now();
  const { window } = dayWindow(at);
  const mine = userCounter(app.db, uid, USER_VIDEOS);
  const all = projectCounter(app.db, PROJECT_VIDEOS);
  await runContended(app.db, async (tx) => {
    const used = {
      user: await readCount(tx, mine, window),
      project: await readCount(tx, all, window),
    };
    const next = reserveVideoDecision(used, app.config.quotas, at);
    writeCount(tx, mine, window, next.user, at);
    writeCount(tx, all, window, next.project, at);
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
    const used = {
      user: await readCount(tx, mine, window),
      project: await readCount(tx, all, window),
    };
    const next = releaseVideoDecision(used);
    const now = app.clock.now();
    if (next.user !== null) writeCount(tx, mine, window, next.user, now);
    if (next.project !== null) writeCount(tx, all, window, next.project, now);
  });
}
