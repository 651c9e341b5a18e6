/**
 * A per-user, per-minute rate limit counted in a Firestore transaction: past the
 * limit, 429 RATE_LIMITED with Retry-After (seconds to the next minute) and no
 * upstream call (the decision: quota-decisions.ts `rateLimitDecision`).
 */
import type { AppContext } from "../../context";
import { minuteWindow, readCount, userCounter, writeCount } from "../../store/counters";
import { rateLimitDecision } from "./quota-decisions";
import { runContended } from "../../store/contended-transaction";

export async function takeRateLimitToken(
  app: AppContext,
  uid: string,
  name: string,
  perMinute: number,
  what: string,
): Promise<void> {
  const at = app.clock.now();
  const { window } = minuteWindow(at);
  const ref = userCounter(app.db, uid, name);
  await runContended(app.db, async (tx) => {
    const used = await readCount(tx, ref, window);
    writeCount(tx, ref, window, rateLimitDecision(used, perMinute, at, what), at);
  });
}
