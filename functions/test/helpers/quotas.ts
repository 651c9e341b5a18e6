/** What the quotas count, read straight from Firestore with the Admin SDK. */
import { USER_VIDEOS } from "../../src/services/quotas/video-quota";
import { dayWindow } from "../../src/store/counter-windows";
import { db } from "./admin";

/** Talking videos the user's daily quota counts in today's (UTC) window; 0 when none. */
export async function videosUsedToday(uid: string): Promise<number> {
  const c = (await db().doc(`users/${uid}/counters/${USER_VIDEOS}`).get()).data();
  return c?.window === dayWindow(new Date()).window ? (c.count as number) : 0;
}

/**
 * Sends again, a second later (the Retry-After such answers carry), while the answer
 * says the request lost to contention on the same counters (429 RATE_LIMITED, "try
 * again in a moment"), as a client must; returns the first other answer. Concurrent
 * reservations of one counter can lose every retry of the server's own under a loaded
 * emulator; what a quota test asserts is the answer once they settle.
 */
export async function retriedOnContention<T>(
  send: () => Promise<T>,
  contended: (answer: T) => boolean,
  tries = 10,
): Promise<T> {
  for (let i = 1; ; i++) {
    const answer = await send();
    if (!contended(answer) || i >= tries) return answer;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** An HTTP answer that lost to contention. */
export const lostToContention = (r: { status: number; body: { error?: string } }): boolean =>
  r.status === 429 && r.body.error === "RATE_LIMITED";
