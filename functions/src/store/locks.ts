/**
 * A short per-user lease lock in Firestore, for steps that must happen once per user
 * even when requests run at the same time (creating the HeyGen folder or avatar group).
 * Stored at users/{uid}/locks/{name}; clients cannot read or write it (rules).
 */
import { randomUUID } from "node:crypto";
import type { Firestore } from "firebase-admin/firestore";
import { ApiError } from "../errors";

export async function withUserLock<T>(
  db: Firestore,
  uid: string,
  name: string,
  fn: () => Promise<T>,
  opts: { leaseMs?: number; waitMs?: number } = {},
): Promise<T> {
  const ref = db.doc(`users/${uid}/locks/${name}`);
  const owner = randomUUID();
  const leaseMs = opts.leaseMs ?? 120000;
  const deadline = Date.now() + (opts.waitMs ?? 90000);
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    const got = await db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const until = snap.get("expiresAt") as number | undefined;
      if (snap.exists && until && until > Date.now()) return false;
      tx.set(ref, { owner, expiresAt: Date.now() + leaseMs });
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
  try {
    return await fn();
  } finally {
    await db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (snap.get("owner") === owner) tx.delete(ref);
    });
  }
}
