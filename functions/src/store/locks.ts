/**
 * A short per-user lease lock in Firestore, for steps that must happen once per user
 * even when requests run at the same time (creating the HeyGen folder or avatar group).
 * Stored at users/{uid}/locks/{name} as `{lease: {token, until}}` (the lease of the job
 * shape, job-shape.ts); clients cannot read or write it (rules).
 *
 * Fenced: the holder's random token is on the lock, the lease is renewed while the
 * step runs (so a slow upload never outlives it), and the step's own writes go through
 * `lease.commit`, which writes only while the token still holds the lock. A worker
 * whose lease expired anyway (it stalled past a renewal) has its late write refused.
 */
import { Timestamp, type Firestore, type Transaction } from "firebase-admin/firestore";
import { z } from "zod";
import { ApiError } from "../errors";
import { log } from "../logs";
import { leaseLive, leaseSchema, newLease } from "./job-shape";
import { runContended } from "./contended-transaction";
import { userRef } from "./users";

/** users/{uid}/locks/{name}. */
export const lockSchema = z.object({ lease: leaseSchema });

export interface UserLease {
  /**
   * Runs `write` in a transaction only while this lease still holds the lock; `write`
   * may read (after the lock's read, before its own writes) and then write.
   */
  commit(write: (tx: Transaction) => unknown): Promise<void>;
}

export const USER_LOCK_LEASE_MS = 120000;

export async function withUserLock<T>(
  db: Firestore,
  uid: string,
  name: string,
  fn: (lease: UserLease) => Promise<T>,
  opts: { leaseMs?: number; waitMs?: number } = {},
): Promise<T> {
  const ref = userRef(db, uid).collection("locks").doc(name);
  const leaseMs = opts.leaseMs ?? USER_LOCK_LEASE_MS;
  const { token } = newLease(new Date(), leaseMs);
  const deadline = Date.now() + (opts.waitMs ?? 90000);
  const read = (data: unknown) => {
    const lock = lockSchema.safeParse(data);
    return lock.success ? lock.data.lease : null;
  };
  const held = (data: unknown) => {
    const lease = read(data);
    return lease?.token === token && leaseLive(lease, new Date());
  };
  const until = () => Timestamp.fromMillis(Date.now() + leaseMs);
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    const got = await runContended(db, async (tx) => {
      if (leaseLive(read((await tx.get(ref)).data()), new Date())) return false;
      tx.set(ref, { lease: { token, until: until() } });
      return true;
    });
    if (got) break;
    if (Date.now() > deadline) {
      throw new ApiError(
        "CONFLICT",
        "Another request is setting up your HeyGen account; try again in a minute.",
      );
    }
    await new Promise((r) => setTimeout(r, delay));
  }
  const renew = async () => {
    await db
      .runTransaction(async (tx) => {
        if (held((await tx.get(ref)).data())) tx.update(ref, { "lease.until": until() });
      })
      .catch((err: unknown) => log.warn("user lock: renewal failed", { lock: name, error: err }));
  };
  const renewal = setInterval(() => void renew(), Math.max(1000, Math.floor(leaseMs / 3)));
  const lease: UserLease = {
    async commit(write) {
      const ok = await runContended(db, async (tx) => {
        if (!held((await tx.get(ref)).data())) return false;
        await write(tx);
        return true;
      });
      if (!ok) {
        log.warn("user lock: late write under an expired or taken-over lease refused", {
          lock: name,
        });
        throw new ApiError("CONFLICT", "Another request took over this step; try again.");
      }
    },
  };
  try {
    return await fn(lease);
  } finally {
    clearInterval(renewal);
    await runContended(db, async (tx) => {
      if (read((await tx.get(ref)).data())?.token === token) tx.delete(ref);
    });
  }
}
