/**
 * The one shape of a background machine's state, kept in one sub-object of its document
 * (in the spirit of firestore-send-email's `delivery`):
 *
 *   {state, attempts, lease: {token, until} | null, nextAttemptAt, error, history}
 *
 * - state: the machine's state (its table in state-machine.ts);
 * - attempts: how many times its work was started (each machine says what counts);
 * - lease: the fenced lease of the worker running it: a random token every write under
 *   the lease presents, and the time it ends (a dead worker's work is taken over then);
 * - nextAttemptAt: when the work is next due (a retry, a check, a take-over); while a
 *   lease holds, its end;
 * - error: the last failure `{code, message}`, null once it no longer applies;
 * - history: the last states `{state, at}`, oldest first (HISTORY_LIMIT entries).
 *
 * Only `leasedTransition` (leased-transition.ts) writes these objects.
 */
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

/** A stored Firestore timestamp (read back from the Admin SDK). */
export const timestampSchema = z.custom<Timestamp>(
  (v) => typeof (v as Timestamp | null)?.toMillis === "function",
  "a Firestore timestamp",
);

export const leaseSchema = z.object({ token: z.string(), until: timestampSchema });
export type Lease = z.infer<typeof leaseSchema>;

export const jobErrorSchema = z.object({ code: z.string().nullable(), message: z.string() });
export type JobError = z.infer<typeof jobErrorSchema>;

export const historyEntrySchema = z.object({ state: z.string(), at: timestampSchema });
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const HISTORY_LIMIT = 50;

/** The job shape of a machine with these states; machines add their own fields with `.extend`. */
export function jobShapeSchema<S extends string>(states: readonly [S, ...S[]]) {
  return z.object({
    state: z.enum(states),
    attempts: z.number().int().min(0).default(0),
    lease: leaseSchema.nullable().default(null),
    nextAttemptAt: timestampSchema.nullable().default(null),
    error: jobErrorSchema.nullable().default(null),
    history: z.array(historyEntrySchema).default([]),
  });
}

/** The fields every machine's sub-object has, as leasedTransition reads them. */
export interface JobState<S extends string = string> {
  state: S;
  attempts: number;
  lease: Lease | null;
  nextAttemptAt: Timestamp | null;
  error: JobError | null;
  history: HistoryEntry[];
}

/** A fresh lease of `ms` from `now`: every write under it presents its token. */
export const newLease = (now: Date, ms: number): Lease => ({
  token: randomUUID(),
  until: Timestamp.fromMillis(now.getTime() + ms),
});

/** Whether a lease is held by someone at `now` (it exists and has not ended). */
export const leaseLive = (lease: Lease | null | undefined, now: Date): boolean =>
  !!lease && lease.until.toMillis() > now.getTime();

/** The history with `{state, at}` appended, keeping the last HISTORY_LIMIT entries. */
export function appendHistory(
  history: readonly HistoryEntry[] | undefined,
  entry: { state: string; at: Date },
): HistoryEntry[] {
  const next = { state: entry.state, at: Timestamp.fromDate(entry.at) };
  return [...(history ?? []), next].slice(-HISTORY_LIMIT);
}

export const at = (d: Date): Timestamp => Timestamp.fromDate(d);
export const atOrNull = (d: Date | null | undefined): Timestamp | null => (d ? at(d) : null);
