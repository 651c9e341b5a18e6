/**
 * The deferral of a generate, on the generation machine (project-generation.ts): when a
 * new photo look is not ready within `HEYGEN_LOOK_WAIT_SECONDS`, generate `defer`s
 * (submitting → preparing, the request and its reserved video kept in
 * `generation.deferred`) and answers 202; on_project_updated `resume`s it in the
 * background (preparing → submitting under a new lease); resume_deferred_generates takes
 * over one whose run died (`generation.nextAttemptAt` passed).
 */
import type { Firestore } from "firebase-admin/firestore";
import { at, newLease } from "./job-shape";
import { leasedTransition } from "./leased-transition";
import {
  GENERATE_LEASE_MS,
  generationMachine,
  isDeferred,
  type GenerationLease,
} from "./project-generation";
import { projectRef, type Project } from "./projects";

/** A deferred generate nobody resumed within this is taken over by resume_deferred_generates. */
export const DEFERRED_PICKUP_MS = 2 * 60 * 1000;

/**
 * submitting → preparing: the look is not ready yet; the request and its quota window
 * are kept for the background run, which on_project_updated starts at once.
 */
export async function deferSubmit(
  db: Firestore,
  id: string,
  lease: GenerationLease,
  fields: {
    request: Record<string, unknown>;
    quotaWindow: string;
    now: Date;
    /** When the request was first deferred (a background run deferring again keeps it). */
    firstDeferredAt?: Date;
    /** An earlier create of this attempt may exist upstream (kept for the v2 lookup). */
    reuseAttempt: boolean;
  },
): Promise<boolean> {
  const now = fields.now;
  const r = await leasedTransition(generationMachine, projectRef(db, id), lease, "defer", {
    now,
    write: () => ({
      doc: { updatedAt: now },
      job: {
        reuseAttempt: fields.reuseAttempt,
        deferred: {
          request: fields.request,
          quotaWindow: fields.quotaWindow,
          at: at(fields.firstDeferredAt ?? now),
        },
        nextAttemptAt: new Date(now.getTime() + DEFERRED_PICKUP_MS),
        error: null,
      },
    }),
  });
  return r.outcome === "written";
}

/** A background run's claim of a deferred generate. */
export interface ResumedClaim {
  lease: GenerationLease;
  project: Project;
  deferred: NonNullable<NonNullable<Project["generation"]>["deferred"]>;
}

/**
 * preparing → submitting under a new lease (or a take-over of a background run whose
 * lease expired); null when another worker holds it or it is no longer deferred, so a
 * trigger delivered twice, or the scheduled take-over after the trigger, does nothing.
 */
export async function resumeDeferred(
  db: Firestore,
  id: string,
  now: Date,
  leaseMs: number = GENERATE_LEASE_MS,
): Promise<ResumedClaim | null> {
  const lease = newLease(now, leaseMs);
  const r = await leasedTransition(generationMachine, projectRef(db, id), lease, "resume", {
    now,
    // Its run dies holding the lease: the scheduled take-over may run it when it ends.
    write: (p) => (isDeferred(p) ? { job: { nextAttemptAt: lease.until } } : null),
  });
  const g = r.outcome === "written" ? r.before.generation : null;
  if (r.outcome !== "written" || !g?.deferred) return null;
  return {
    lease: { attempt: g.attempts, token: lease.token },
    project: r.before,
    deferred: g.deferred,
  };
}
