/**
 * A per-user, per-minute rate limit counted in a Firestore transaction: past the
 * limit, 429 RATE_LIMITED with Retry-After (seconds to the next minute) and no
 * upstream call.
 */
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import { minuteWindow, readCount, userCounter, writeCount } from "../../store/counters";
import { runContended } from "../../store/contended-transaction";

export async function takeRateLimitToken(
  app: AppContext,
  uid: string,
  name: string,
  perMinute: number,
  what: string,
): Promise<void> {
  const at = app.clock.now();
  const { window, resetsInSeconds } = minuteWindow(at);
  const ref = userCounter(app.db, uid, name);
  await runContended(app.db, async (tx) => {
    const used = await readCount(tx, ref, window);
    if (used >= perMinute) {
      throw new ApiError(
        "RATE_LIMITED",
        `Too many ${what} requests (${perMinute} a minute); try again in ${resetsInSeconds} s.`,
        {
          details: { limit: perMinute, window },
          headers: { "Retry-After": String(resetsInSeconds) },
        },
      );
    }
    writeCount(tx, ref, window, used + 1, at);
  });
}
