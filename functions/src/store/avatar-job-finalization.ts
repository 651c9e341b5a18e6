/**
 * The finalisation of an avatar job (download, GLB, asset) on the job's machine
 * (avatar-job-lifecycle.ts): claimed under a lease of its own, given back after a
 * transient failure, and ended by `done` under that lease. The sweep hands the claim the
 * job as its query read it, and `done` the job as the claim wrote it, so neither reads
 * the job again unless something else wrote it meanwhile.
 */
import type { Firestore } from "firebase-admin/firestore";
import { jobRef } from "./avatar-jobs";
import { jobMachine, type JobRead } from "./avatar-job-lifecycle";
import { newLease, type Lease } from "./job-shape";
import { leasedTransition } from "./leased-transition";

/** Longer than the sweep's 300 s timeout, so a finalisation never outlives its lease. */
export const FINALIZE_LEASE_MS = 6 * 60 * 1000;

/**
 * Claims the finalisation (download, GLB, asset) of a processing job: its lease and the
 * job as written (for the next transition), or null while another run's lease holds.
 */
export async function claimFinalize(
  db: Firestore,
  jobId: string,
  now: Date,
  opts: { leaseMs?: number; read?: JobRead } = {},
): Promise<{ lease: Lease; read: JobRead | null } | null> {
  const lease = newLease(now, opts.leaseMs ?? FINALIZE_LEASE_MS);
  const r = await leasedTransition(jobMachine, jobRef(db, jobId), lease, "finalize", {
    now,
    read: opts.read,
    write: () => ({ job: { readFailures: 0, authFailures: 0, nextAttemptAt: lease.until } }),
  });
  if (r.outcome !== "written") return null;
  return { lease, read: r.writeTime ? { data: r.after, updateTime: r.writeTime } : null };
}

/** Gives the lease back after a transient failure: the next sweep finalises again. */
export async function releaseFinalize(db: Firestore, jobId: string, lease: Lease, now: Date) {
  await leasedTransition(jobMachine, jobRef(db, jobId), lease, "release", {
    now,
    write: () => ({ job: { nextAttemptAt: now } }),
  });
}

/** processing → done under the finalisation's lease; false when the lease was lost. */
export async function markJobDone(
  db: Firestore,
  jobId: string,
  lease: Lease,
  done: { assetId: string; now: Date; read?: JobRead | null },
): Promise<boolean> {
  const r = await leasedTransition(jobMachine, jobRef(db, jobId), lease, "done", {
    now: done.now,
    read: done.read ?? undefined,
    write: () => ({
      doc: { progress: 1, asset_id: done.assetId, action: null },
      job: { error: null, nextAttemptAt: null },
    }),
  });
  return r.outcome === "written";
}
