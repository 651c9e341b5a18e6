/**
 * Photoreal job limits: jobs started per user per UTC day
 * (QUOTA_AVATAR_JOBS_PER_USER_PER_DAY) and jobs queued or processing at once
 * (QUOTA_PENDING_AVATAR_JOBS_PER_USER), both checked for real in the transaction that
 * creates the job (so concurrent posts cannot pass together). The daily limit is also
 * checked once, with one read, before the selfie is stored: a user who used up the day
 * is refused without an upload for every try until midnight, while the pending limit
 * lifts within minutes (a post refused by it has its selfie deleted again). The decision:
 * quota-decisions.ts `admitAvatarJobDecision`.
 */
import type { Transaction } from "firebase-admin/firestore";
import type { AppContext } from "../../context";
import { pendingJobsOfUser } from "../../store/avatar-jobs";
import { dayWindow, peekCount, readCount, userCounter, writeCount } from "../../store/counters";
import { admitAvatarJobDecision } from "./quota-decisions";
import { runContended } from "../../store/contended-transaction";

export const USER_AVATAR_JOBS = "avatar_jobs_day";

const pendingJobs = (app: AppContext, uid: string) => pendingJobsOfUser(app.db, uid);

const limits = (app: AppContext) => app.config.quotas;

/** Fails fast (429) on the daily limit before the selfie is uploaded; not authoritative. */
export async function precheckAvatarJob(app: AppContext, uid: string): Promise<void> {
  const at = app.clock.now();
  const used = await peekCount(userCounter(app.db, uid, USER_AVATAR_JOBS), at);
  admitAvatarJobDecision({ today: used, pending: 0 }, limits(app), at);
}

/**
 * Inside the transaction that creates the job: counts again, refuses (429) or
 * counts the new job. `create` writes the job document in the same transaction.
 */
export async function admitAvatarJob(
  app: AppContext,
  uid: string,
  create: (tx: Transaction) => void,
): Promise<void> {
  const at = app.clock.now();
  const { window } = dayWindow(at);
  const counter = userCounter(app.db, uid, USER_AVATAR_JOBS);
  await runContended(app.db, async (tx) => {
    const used = await readCount(tx, counter, window);
    const pending = (await tx.get(pendingJobs(app, uid))).size;
    const today = admitAvatarJobDecision({ today: used, pending }, limits(app), at);
    writeCount(tx, counter, window, today, at);
    create(tx);
  });
}
