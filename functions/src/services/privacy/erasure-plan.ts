/**
 * The decisions of an account erasure's run, without Firestore or any upstream: which
 * steps are left (in order, the ones not recorded as done), when a failed run is tried
 * again (1, 5, 15, 60, 180, then every 360 minutes), whether a step failed (any upstream
 * delete that failed: the step is run again later), and the counts the tombstone keeps
 * (system → kind → outcome, no ids). The erasure ends when no step is left.
 */
import { ERASURE_STEPS, type ErasureCounts, type ErasureStep } from "../../store/erasures";
import type { RemovalReport } from "./removal-report";

/** Minutes until the next run after the n-th failed one (the last delay repeats). */
export const ERASURE_RETRY_DELAYS_MIN = [1, 5, 15, 60, 180, 360] as const;

/** The steps not done yet, in the order they run. */
export function stepsLeft(done: Partial<Record<string, unknown>>): ErasureStep[] {
  return ERASURE_STEPS.filter((step) => !done[step]);
}

/**
 * When a run that failed is due again: `runsBefore` is how many runs had started before
 * the failed one (0 for the first), so the first failure waits 1 minute.
 */
export function erasureRetry(runsBefore: number, now: Date): { delayMin: number; at: Date } {
  const delayMin =
    ERASURE_RETRY_DELAYS_MIN[Math.min(runsBefore, ERASURE_RETRY_DELAYS_MIN.length - 1)];
  return { delayMin, at: new Date(now.getTime() + delayMin * 60000) };
}

/** Adds `add` into `into` (system → kind → outcome), and answers `into`. */
export function mergeCounts(into: ErasureCounts, add: ErasureCounts): ErasureCounts {
  for (const [system, kinds] of Object.entries(add)) {
    into[system] ??= {};
    for (const [kind, outcomes] of Object.entries(kinds)) {
      into[system][kind] ??= {};
      for (const [outcome, n] of Object.entries(outcomes))
        into[system][kind][outcome] = (into[system][kind][outcome] ?? 0) + n;
    }
  }
  return into;
}

/** Counts of a report, by system → kind → outcome (no ids). */
export function countReport(report: RemovalReport): ErasureCounts {
  const counts: ErasureCounts = {};
  const add = (system: string, kind: string, outcome: string, n = 1) =>
    mergeCounts(counts, { [system]: { [kind]: { [outcome]: n } } });
  for (const u of report.upstream) add(u.system, u.kind, u.outcome);
  if (report.storage.length) add("storage", "object", "deleted", report.storage.length);
  if (report.firestore.length) add("firestore", "document", "deleted", report.firestore.length);
  if (report.cancelled.avatarJobs.length)
    add("jobs", "avatar_job", "cancelled", report.cancelled.avatarJobs.length);
  if (report.cancelled.videos.length)
    add("jobs", "video", "cancelled", report.cancelled.videos.length);
  return counts;
}

/** The error that makes `step` run again later, or null when no upstream delete failed. */
export function stepFailure(report: RemovalReport, step: ErasureStep): Error | null {
  const failed = report.upstream.filter((u) => u.outcome === "failed");
  if (failed.length === 0) return null;
  return new Error(
    `${step}: ${failed.length} upstream delete(s) failed (${failed.map((f) => `${f.system} ${f.kind}`).join(", ")}); retried later`,
  );
}
