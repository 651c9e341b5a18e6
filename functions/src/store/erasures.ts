/**
 * erasures/{erasureId}: one durable document per user, its id a hash of the uid.
 * While the erasure runs it holds the uid and the steps done; once done the uid is
 * removed and what is left is the tombstone: hashed uid, times and counts per system
 * and outcome (no personal data, no object ids). Its run (state, lease, retries) is the
 * `erasure` sub-object of the one job shape, written only by erasure-lifecycle.ts.
 * Server only: the rules deny every client access.
 */
import { createHash } from "node:crypto";
import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { jobShapeSchema, timestampSchema } from "./job-shape";
import { zodConverter } from "./typed";

export const ERASURE_STEPS = ["consent", "heygen", "storage", "firestore", "auth"] as const;
export type ErasureStep = (typeof ERASURE_STEPS)[number];

export const ERASURE_STATES = ["none", "pending", "retrying", "done"] as const;
export type ErasureState = (typeof ERASURE_STATES)[number];
/** The states `advance_erasures` resumes. */
export const OPEN_ERASURE_STATES = ["pending", "retrying"] as const;

/** Counts per system → kind → outcome, e.g. heygen.look.not_deletable = 1. */
export type ErasureCounts = Record<string, Record<string, Record<string, number>>>;

/** The erasure's run: `attempts` counts the runs; `error.code` names the step that failed. */
export const erasureRunSchema = jobShapeSchema(["pending", "retrying", "done"] as const);

/** erasures/{erasureId}. */
export const erasureDocSchema = z.object({
  uid: z.string().nullish(),
  requestedBy: z.enum(["user", "auth_delete"]),
  requestedAt: timestampSchema,
  /** When each step finished. */
  steps: z.record(z.string(), timestampSchema).default({}),
  counts: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.number()))).default({}),
  completedAt: timestampSchema.nullish(),
  erasure: erasureRunSchema,
});
export type Erasure = z.infer<typeof erasureDocSchema>;

/** The erasure id: a salted sha256 of the uid (also the tombstone's only link to the user). */
export const erasureIdFor = (uid: string): string =>
  createHash("sha256").update(`masky-erasure:${uid}`).digest("hex");

export const erasuresCollection = (db: Firestore) =>
  db.collection("erasures").withConverter(zodConverter(erasureDocSchema));
export const erasureRef = (db: Firestore, id: string) => erasuresCollection(db).doc(id);

/** The erasure, or null when there is none (or it is not of this shape). */
export async function getErasure(db: Firestore, id: string): Promise<Erasure | null> {
  try {
    return (await erasureRef(db, id).get()).data() ?? null;
  } catch {
    return null;
  }
}

/** Whether the user's erasure was requested (it may be running or done). */
export async function erasureRequested(db: Firestore, uid: string): Promise<boolean> {
  return (await erasureRef(db, erasureIdFor(uid)).get()).exists;
}

/** Erasures not done yet, for `advance_erasures`. */
export async function openErasureIds(db: Firestore, limit: number): Promise<string[]> {
  const snap = await erasuresCollection(db)
    .where("erasure.state", "in", [...OPEN_ERASURE_STATES])
    .limit(limit)
    .get();
  return snap.docs.map((d) => d.id);
}
