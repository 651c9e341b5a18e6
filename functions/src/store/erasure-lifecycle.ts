/**
 * The erasure lifecycle of erasures/{erasureId} (schema: ./erasures.ts), its `erasure`
 * sub-object: pending → retrying … → done. A run claims it with a fenced lease, records
 * each finished step under that lease, and either schedules a retry or completes it.
 * Completing removes the uid: the tombstone stays. Every write goes through
 * leasedTransition (the only writer of the sub-object).
 */
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import {
  erasureDocSchema,
  ERASURE_STATES,
  erasureRef,
  erasureRunSchema,
  OPEN_ERASURE_STATES,
  type Erasure,
  type ErasureCounts,
  type ErasureState,
  type ErasureStep,
} from "./erasures";
import { erasureClaim } from "./erasure-claim";
import { at, newLease, type Lease } from "./job-shape";
import { leasedTransition, startedJob, type StoredMachine } from "./leased-transition";

const RUN = "privacy/erasure.ts runErasure";

export const erasureMachine: StoredMachine<ErasureState, Erasure> = {
  name: "erasure",
  collection: "erasures",
  schema: erasureDocSchema,
  field: "erasure",
  logKey: "erasureId",
  initial: "none",
  states: ERASURE_STATES,
  terminal: ["done"],
  reopen: [],
  of: (e) => e.erasure,
  transitions: [
    {
      from: "none",
      event: "request",
      to: "pending",
      fn: "createErasure",
      by: "privacy/erasure.ts (DELETE /api/me, delete_account_call, Auth user deleted)",
    },
    ...OPEN_ERASURE_STATES.flatMap((from) => [
      { from, event: "claim", to: from, lease: "take" as const, fn: "claimErasure", by: RUN },
      { from, event: "step", to: from, lease: "hold" as const, fn: "recordErasureStep", by: RUN },
      {
        from,
        event: "stepFailed",
        to: "retrying" as const,
        lease: "release" as const,
        fn: "scheduleErasureRetry",
        by: RUN,
      },
      {
        from,
        event: "complete",
        to: "done" as const,
        lease: "release" as const,
        fn: "completeErasure",
        by: RUN,
      },
    ]),
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
  const now = fields.now;
  return db.runTransaction(async (tx) => {
    if ((await tx.get(ref)).exists) return false;
    const doc: Erasure = {
      uid: fields.uid,
      requestedBy: fields.requestedBy,
      requestedAt: at(now),
      steps: {},
      counts: {},
      completedAt: null,
      erasure: erasureRunSchema.parse(
        startedJob(erasureMachine, "request", now, { nextAttemptAt: now }),
      ),
    };
    tx.create(ref, doc);
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
  now: Date,
  opts: { force?: boolean } = {},
): Promise<{ erasure: Erasure; uid: string; lease: ErasureLease } | null> {
  const lease: Lease = newLease(now, ERASURE_LEASE_MS);
  const r = await leasedTransition(erasureMachine, erasureRef(db, erasureId), lease, "claim", {
    now,
    write: (e) => erasureClaim(e, now, lease, opts.force ?? false),
  });
  if (r.outcome !== "written" || !r.before.uid) return null;
  return { erasure: r.before, uid: r.before.uid, lease: { erasureId, token: lease.token } };
}

/** A step finished: recorded with the counts so far; false when the lease was lost. */
export async function recordErasureStep(
  db: Firestore,
  lease: ErasureLease,
  step: ErasureStep,
  counts: ErasureCounts,
  now: Date,
): Promise<boolean> {
  const r = await leasedTransition(erasureMachine, erasureRef(db, lease.erasureId), lease, "step", {
    now,
    write: (e) => ({ doc: { steps: { ...e.steps, [step]: at(now) }, counts } }),
  });
  return r.outcome === "written";
}

/** A step failed: retried at `nextAttemptAt`; the lease is released. */
export async function scheduleErasureRetry(
  db: Firestore,
  lease: ErasureLease,
  fields: { step: ErasureStep; message: string; nextAttemptAt: Date; now: Date },
): Promise<boolean> {
  const r = await leasedTransition(
    erasureMachine,
    erasureRef(db, lease.erasureId),
    lease,
    "stepFailed",
    {
      now: fields.now,
      write: () => ({
        job: {
          error: { code: fields.step, message: fields.message.slice(0, 500) },
          nextAttemptAt: fields.nextAttemptAt,
        },
      }),
    },
  );
  return r.outcome === "written";
}

/** Every step done: the uid is removed and the tombstone keeps times and counts. */
export async function completeErasure(
  db: Firestore,
  lease: ErasureLease,
  now: Date,
): Promise<boolean> {
  const r = await leasedTransition(
    erasureMachine,
    erasureRef(db, lease.erasureId),
    lease,
    "complete",
    {
      now,
      write: () => ({
        doc: { uid: FieldValue.delete(), completedAt: now },
        job: { error: null, nextAttemptAt: null },
      }),
    },
  );
  return r.outcome === "written";
}
