/**
 * Quota counters, one document per counter holding its current window and count:
 * `users/{uid}/counters/{name}` per user, `quota_counters/{name}` for the whole
 * project. A count from an older window reads as 0. Always used inside transactions.
 */
import type { DocumentReference, Firestore, Transaction } from "firebase-admin/firestore";

export const userCounter = (db: Firestore, uid: string, name: string): DocumentReference =>
  db.doc(`users/${uid}/counters/${name}`);

export const projectCounter = (db: Firestore, name: string): DocumentReference =>
  db.doc(`quota_counters/${name}`);

/** The UTC day of `at` (`2026-12-01`) and the seconds until the next one starts. */
export function dayWindow(at: Date): { window: string; resetsInSeconds: number } {
  const next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
  return {
    window: at.toISOString().slice(0, 10),
    resetsInSeconds: Math.max(1, Math.ceil((next - at.getTime()) / 1000)),
  };
}

/** The minute of `at` (`2026-12-01T15:20`) and the seconds until the next one. */
export function minuteWindow(at: Date): { window: string; resetsInSeconds: number } {
  return {
    window: at.toISOString().slice(0, 16),
    resetsInSeconds: Math.max(1, Math.ceil((60000 - (at.getTime() % 60000)) / 1000)),
  };
}

/** The count of `ref` in `window` (0 for a missing or older window). */
export async function readCount(
  tx: Transaction,
  ref: DocumentReference,
  window: string,
): Promise<number> {
  const snap = await tx.get(ref);
  return snap.get("window") === window ? ((snap.get("count") as number | undefined) ?? 0) : 0;
}

export function writeCount(
  tx: Transaction,
  ref: DocumentReference,
  window: string,
  count: number,
  now: Date,
): void {
  tx.set(ref, { window, count: Math.max(0, count), updatedAt: now });
}
