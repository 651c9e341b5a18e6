/**
 * erasures/{erasureId}: one durable document per user, its id a hash of the uid.
 * While the erasure runs it holds the uid, the steps done and the retry state; once
 * done the uid is removed and what is left is the tombstone: hashed uid, times and
 * counts per system and outcome (no personal data, no object ids). Its status, lease
 * and retry fields are written only by erasure-lifecycle.ts.
 */
import { createHash } from "node:crypto";
import type { Firestore, Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import { historySchema } from "./state-machine";

export const ERASURE_STEPS = ["consent", "heygen", "storage", "firestore", "auth"] as const;
export type ErasureStep = (typeof ERASURE_STEPS)[number];

/** Counts per system → kind → outcome, e.g. heygen.look.not_deletable = 1. */
export type ErasureCounts = Record<string, Record<string, Record<string, number>>>;

const ts = z.custom<Timestamp>((v) => typeof (v as Timestamp)?.toDate === "function");

export const erasureSchema = z.object({
  uid: z.string().nullish(),
  status: z.enum(["pending", "retrying", "done"]),
  requestedBy: z.enum(["user", "auth_delete"]),
  requestedAt: ts,
  steps: z.record(z.string(), ts).default({}),
  counts: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.number()))).default({}),
  attempts: z.number().int().default(0),
  nextAttemptAt: ts.nullish(),
  leaseUntil: z.number().nullish(),
  /** The running claim's token (erasure-lifecycle.ts): writes under the lease present it. */
  leaseToken: z.string().nullish(),
  lastError: z.string().nullish(),
  completedAt: ts.nullish(),
  history: historySchema,
});
export type Erasure = z.infer<typeof erasureSchema>;

/** The erasure id: a salted sha256 of the uid (also the tombstone's only link to the user). */
export const erasureIdFor = (uid: string): string =>
  createHash("sha256").update(`masky-erasure:${uid}`).digest("hex");

export const erasuresCollection = (db: Firestore) => db.collection("erasures");
export const erasureRef = (db: Firestore, id: string) => erasuresCollection(db).doc(id);
