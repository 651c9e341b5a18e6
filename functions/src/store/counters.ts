/**
 * Quota counters, one document per counter holding its current window and count:
 * `users/{uid}/counters/{name}` per user, `quota_counters/{name}` for the whole
 * project. A count from an older window reads as 0. Counted inside transactions; a
 * precheck may peek outside one.
 */
import type { DocumentReference, Firestore, Transaction } from "firebase-admin/firestore";
import { z } from "zod";
import { at, timestampSchema } from "./job-shape";
import { zodConverter } from "./typed";

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
  db.collection("users").doc(uid).collection("counters").doc(name).withConverter(converter);

export const projectCounter = (db: Firestore, name: string): CounterRef =>
  db.collection("quota_counters").doc(name).withConverter(converter);

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

const countIn = (c: Counter | undefined, window: string): number =>
  c?.window === window ? c.count : 0;

/** The count of `ref` in `window` (0 for a missing or older window), in a transaction. */
export async function readCount(tx: Transaction, ref: CounterRef, window: string): Promise<number> {
  return countIn((await tx.get(ref)).data(), window);
}

/** The count of `ref` in the day of `at`, outside a transaction (a precheck only). */
export async function peekCount(ref: CounterRef, day: Date): Promise<number> {
  return countIn((await ref.get()).data(), dayWindow(day).window);
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
