/**
 * The erasure lifecycle of erasures/{erasureId} (schema: ./erasures.ts): `status`
 * pending → retrying … → done. A run claims the erasure with a fenced lease (a random
 * token; `leaseUntil` its end), records each finished step under it, and either
 * schedules a retry or completes it. Completing removes the uid: the tombstone stays.
 * These functions are the only writers of `status`, the lease and the retry fields;
 * each runs in a transaction, takes its next state from the table, refuses a write
 * whose lease was taken over, and appends `{state, at}` to `history` on a state change.
 */
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { log } from "../logs";
import { erasureRef, erasureSchema, type Erasure, type ErasureCounts } from "./erasures";
import { appendHistory, newLeaseToken, nextState, type Machine } from "./state-machine";

export const ERASURE_STATES = ["none", "pending", "retrying", "done"] as const;
export type ErasureState = (typeof ERASURE_STATES)[number];
export const ERASURE_TERMINAL = ["done"] as const;
/** The states `advance_erasures` resumes. */
export const OPEN_ERASURE_STATES = ["pending", "retrying"] as const;

export const erasureMachine: Machine<ErasureState> = {
  name: "erasure",
  field: "erasures/{id}.status",
  initial: "none",
  states: ERASURE_STATES,
  terminal: ERASURE_TERMINAL,
  reopen: [],
  transitions: [
    {
      from: "none",
      event: "request",
      to: "pending",
      fn: "createErasure",
      by: "privacy/erasure.ts (DELETE /api/me, delete_account_call, Auth user deleted)",
    },
    ...OPEN_ERASURE_STATES.map((from) => ({
      from,
      event: "stepFailed",
      to: "retrying" as const,
      fn: "scheduleErasureRetry",
      by: "privacy/erasure.ts runErasure",
    })),
    ...OPEN_ERASURE_STATES.map((from) => ({
      from,
      event: "complete",
      to: "done" as const,
      fn: "completeErasure",
      by: "privacy/erasure.ts runErasure",
    })),
  ],
};

/** Longer than a run can last inside advance_erasures' or the request's timeout. */
export const ERASURE_LEASE_MS = 8 * 60 * 1000;

export interface ErasureLease {
  erasureId: string;
  token: string;
}

/** Creates the user's erasure once (none → pending); false when it exists already. */
export async function createErasure(
  db: Firestore,
  erasureId: string,
  fields: { uid: string; requestedBy: Erasure["requestedBy"]; now: Date },
): Promise<boolean> {
  const ref = erasureRef(db, erasureId);
  const to = nextState(erasureMachine, "none", "request") as ErasureState;
  return db.runTransaction(async (tx) => {
    if ((await tx.get(ref)).exists) return false;
    tx.create(ref, {
      uid: fields.uid,
      status: to,
      requestedBy: fields.requestedBy,
      requestedAt: fields.now,
      steps: {},
      counts: {},
      attempts: 0,
      nextAttemptAt: fields.now,
      leaseUntil: null,
      leaseToken: null,
      lastError: null,
      completedAt: null,
      history: appendHistory([], { state: to, at: fields.now }),
    });
    return true;
  });
}

/**
 * Claims an open erasure for one run: null when it is done, held by a live lease, or
 * not due (unless forced, as a user's own request is).
 */
export async function claimErasure(
  db: Firestore,
  erasureId: string,
  nowMs: number,
  opts: { force?: boolean } = {},
): Promise<{ erasure: Erasure; lease: ErasureLease } | null> {
  const ref = erasureRef(db, erasureId);
  return db.runTransaction(async (tx) => {
    const e = erasureSchema.safeParse((await tx.get(ref)).data());
    if (!e.success || e.data.status === "done" || !e.data.uid) return null;
    if ((e.data.leaseUntil ?? 0) > nowMs) return null;
    if (!opts.force && (e.data.nextAttemptAt?.toMillis() ?? 0) > nowMs) return null;
    const token = newLeaseToken();
    tx.update(ref, {
      leaseUntil: nowMs + ERASURE_LEASE_MS,
      leaseToken: token,
      attempts: e.data.attempts + 1,
    });
    return { erasure: e.data, lease: { erasureId, token } };
  });
}

/** Runs `write` only while `lease` still holds the erasure; logs and refuses otherwise. */
async function underLease(
  db: Firestore,
  lease: ErasureLease,
  what: string,
  write: (e: Erasure) => Record<string, unknown> | null,
): Promise<boolean> {
  const ref = erasureRef(db, lease.erasureId);
  const done = await db.runTransaction(async (tx) => {
    const e = erasureSchema.safeParse((await tx.get(ref)).data());
    if (!e.success || e.data.leaseToken !== lease.token) return false;
    const fields = write(e.data);
    if (!fields) return false;
    tx.update(ref, fields);
    return true;
  });
  if (!done)
    log.warn(`erasure ${what} refused: the run's lease was taken over`, {
      erasureId: lease.erasureId,
    });
  return done;
}

/** A step finished: recorded with the counts so far; false when the lease was lost. */
export const recordErasureStep = (
  db: Firestore,
  lease: ErasureLease,
  step: string,
  counts: ErasureCounts,
  now: Date,
): Promise<boolean> => underLease(db, lease, "step", () => ({ [`steps.${step}`]: now, counts }));

/** A step failed: retried at `nextAttemptAt`; the lease is released. */
export const scheduleErasureRetry = (
  db: Firestore,
  lease: ErasureLease,
  fields: { lastError: string; nextAttemptAt: Date; now: Date },
): Promise<boolean> =>
  underLease(db, lease, "retry", (e) => {
    const to = nextState(erasureMachine, e.status, "stepFailed");
    if (!to) return null;
    return {
      status: to,
      leaseUntil: null,
      leaseToken: null,
      lastError: fields.lastError.slice(0, 500),
      nextAttemptAt: fields.nextAttemptAt,
      ...(to !== e.status
        ? { history: appendHistory(e.history, { state: to, at: fields.now }) }
        : {}),
    };
  });

/** Every step done: the uid is removed and the tombstone keeps times and counts. */
export const completeErasure = (db: Firestore, lease: ErasureLease, now: Date): Promise<boolean> =>
  underLease(db, lease, "completion", (e) => {
    const to = nextState(erasureMachine, e.status, "complete");
    if (!to) return null;
    return {
      uid: FieldValue.delete(),
      status: to,
      leaseUntil: null,
      leaseToken: null,
      lastError: null,
      nextAttemptAt: null,
      completedAt: now,
      history: appendHistory(e.history, { state: to, at: now }),
    };
  });
