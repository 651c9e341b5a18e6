/**
 * What a withdrawal (and later an erasure) removed, per system: cancelled work,
 * Storage objects and Firestore documents deleted, and every upstream object with its
 * outcome (`deleted`, `not_deletable` where the API documents no delete, `failed`).
 */
export type UpstreamSystem = "heygen" | "avatar-sdk" | "in3d" | "didimo";
export type UpstreamKind = "video" | "asset" | "look" | "group" | "folder" | "avatar";

export interface UpstreamRemoval {
  system: UpstreamSystem;
  kind: UpstreamKind;
  id: string;
  outcome: "deleted" | "not_deletable" | "failed";
  reason?: string;
}

export interface RemovalReport {
  cancelled: { avatarJobs: string[]; videos: string[] };
  storage: string[];
  firestore: string[];
  upstream: UpstreamRemoval[];
}

export const emptyReport = (): RemovalReport => ({
  cancelled: { avatarJobs: [], videos: [] },
  storage: [],
  firestore: [],
  upstream: [],
});

/** Runs one upstream delete and records its outcome; a failure is recorded, not thrown. */
export async function removeUpstream(
  report: RemovalReport,
  target: Omit<UpstreamRemoval, "outcome" | "reason">,
  run: () => Promise<"deleted" | "not_deletable">,
  notDeletableReason: string,
): Promise<boolean> {
  try {
    const outcome = await run();
    report.upstream.push(
      outcome === "deleted"
        ? { ...target, outcome }
        : { ...target, outcome, reason: notDeletableReason },
    );
    return true;
  } catch (err) {
    report.upstream.push({ ...target, outcome: "failed", reason: (err as Error).message });
    return false;
  }
}
