/** What the quotas count, read straight from Firestore with the Admin SDK. */
import { USER_VIDEOS } from "../../src/services/quotas/video-quota";
import { dayWindow } from "../../src/store/counter-windows";
import { db } from "./admin";

/** Talking videos the user's daily quota counts in today's (UTC) window; 0 when none. */
export async function videosUsedToday(uid: string): Promise<number> {
  const c = (await db().doc(`users/${uid}/counters/${USER_VIDEOS}`).get()).data();
  return c?.window === dayWindow(new Date()).window ? (c.count as number) : 0;
}
