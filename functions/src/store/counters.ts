/**
 * Quota counters, one document per counter holding its current window and count:
 * `users/{uid}/counters/{name}` per user, `quota_counters/{name}` for the whole
 * project. A count from an older window reads as 0 (counter-windows.ts). Counted inside
 * transactions; a precheck may peek outside one.
 */
import type { DocumentReference, Firestore, Transaction } from "firebase-admin/firestore";
import { z } from "zod";
import { at, timestampSchema } from "./job-shape";
import { zodConverter } from "./typed";
import { countInWindow, dayWindow } from "./counter-windows";
import { userRef } from "./users";

export { dayWindow, minuteWindow } from "./counter-windows";

/** users/{uid}/counters/{name} and quota_counters/{name}. */
export const counterSchema = z.object({
  /** The window counted (a UTC day `2026-12-01` or minute `2026-12-01T15:20`). */
  window: z.string(),
  count: z.number().int().min(0),
  updatedAt: timestampSchema.nullish(),
});
export type Counter = z.infer<typeof counterSchema>;
const converter = zodConverter(counterSchema);

export type CounterRef = DocumentReference<Counter>;

export const userCounter = (db: Firestore, uid: string, name: string): CounterRef =>
  userRef(db, uid).collection("counters").doc(name).withConverter(converter);

export const projectCounter = (db: Firestore, name: string): CounterRef =>
  db.collection("quota_counters").doc(name).withConverter(converter);

/** The count of `ref` in `window` (0 for a missing or older window), in a transaction. */
export async function readCount(tx: Transaction, ref: CounterRef, window: string): Promise<number> {
  return countInWindow((await tx.get(ref)).data(), window);
}

/** The count of `ref` in the day of `at`, outside a transaction (a precheck only). */
export async function peekCount(ref: CounterRef, day: Date): Promise<number> {
  return countInWindow((await ref.get()).data(), dayWindow(day).window);
}

export function writeCount(
  tx: Transaction,
  ref: CounterRef,
  window: string,
  count: number,
  now: Date,
): void {
  tx.set(ref, { window, count: Math.max(0, count), updatedAt: at(now) });
}
