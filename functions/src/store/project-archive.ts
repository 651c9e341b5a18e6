/**
 * The archive lifecycle of a project (`archiveState`, primary field, with
 * `archiveAttempts`, `archiveNextAttemptAt`, `archiveError`, `archiveLeaseToken`):
 * a completed video is queued, claimed under a fenced lease (the running archival's
 * token), archived or scheduled for a retry, and purged after the retention period.
 * A new video of the project resets it. Every write runs in a transaction; a write
 * under an expired or taken-over lease is refused and logged.
 */
import type { Firestore } from "firebase-admin/firestore";
import { log } from "../logs";
import { projectRef, projectSchema, type Project } from "./projects";
import {
  appendHistory,
  newLeaseToken,
  nextState,
  type HistoryEntry,
  type Machine,
} from "./state-machine";

export const ARCHIVE_STATES = ["none", "pending", "running", "done", "failed", "purged"] as const;
export type ArchiveState = (typeof ARCHIVE_STATES)[number];
export const ARCHIVE_TERMINAL = ["purged"] as const;

export const archiveMachine: Machine<ArchiveState> = {
  name: "project archive",
  collection: "projects",
  field: "projects.archiveState",
  initial: "none",
  states: ARCHIVE_STATES,
  terminal: ARCHIVE_TERMINAL,
  reopen: ["reset"],
  transitions: [
    {
      from: "none",
      event: "queue",
      to: "pending",
      fn: "recordStatus",
      by: "poll-videos.ts, webhook.ts, video-status.ts",
    },
    // From none too: a completed video of an older project, or one the queueing missed.
    ...(["none", "pending", "failed", "running"] as const).map((from) => ({
      from,
      event: "claim",
      to: "running" as const,
      fn: "claimArchive",
      by: "archive-video.ts (on_project_updated, poll-videos.ts)",
    })),
    { from: "running", event: "archived", to: "done", fn: "markArchived", by: "archive-video.ts" },
    {
      from: "running",
      event: "retry",
      to: "failed",
      fn: "scheduleArchiveRetry",
      by: "archive-video.ts",
    },
    {
      from: "done",
      event: "purge",
      to: "purged",
      fn: "markPurged",
      by: "privacy/purge-expired-media.ts",
    },
    ...(["pending", "running", "done", "failed", "purged"] as const).map((from) => ({
      from,
      event: "reset",
      to: "none" as const,
      fn: "markSubmitted",
      by: "generate-video.ts (a new video)",
    })),
  ],
};

export const archiveState = (p: Pick<Project, "archiveState">): ArchiveState =>
  p.archiveState ?? "none";

/**
 * Whether a project write just queued its video for archival (archiveState became
 * pending): the update trigger archives at once then, and exits on every other write.
 */
export function archiveJustQueued(before: unknown, after: unknown): boolean {
  const state = (data: unknown) => {
    const p = projectSchema.safeParse(data);
    return p.success ? archiveState(p.data) : "none";
  };
  return state(after) === "pending" && state(before) !== "pending";
}

/** Longer than a download of a long video can take inside the trigger's 540 s timeout. */
export const ARCHIVE_LEASE_MS = 10 * 60 * 1000;

const entry = (state: ArchiveState, at: Date) => ({ machine: "archive", state, at });

/**
 * The fields that queue a just-completed video for archival (none → pending), with the
 * history given; only the history when it is archived or queued already.
 */
export function queueArchive(p: Project, now: Date, history: HistoryEntry[]) {
  const to = p.archivedVideoPath ? null : nextState(archiveMachine, archiveState(p), "queue");
  if (!to) return { history };
  return {
    archiveState: to,
    archiveNextAttemptAt: now,
    history: appendHistory(history, entry(to, now)),
  };
}

/** The fields a new video writes: no archive yet (any state → none). */
export function resetArchiveFields() {
  return {
    archivedVideoPath: null,
    archiveState: null,
    archiveAttempts: 0,
    archiveNextAttemptAt: null,
    archiveError: null,
    archiveLeaseToken: null,
  };
}

export interface ArchiveClaim {
  uid: string;
  videoId: string;
  attempts: number;
  apiVersion: Project["heygenApiVersion"];
  token: string;
}

/**
 * Claims the archival of a completed video: null when there is nothing to archive,
 * "busy" while another run's lease holds. While running, `archiveNextAttemptAt` is the
 * lease's end: a dead run is retried after it.
 */
export async function claimArchive(
  db: Firestore,
  projectId: string,
  now: Date,
): Promise<ArchiveClaim | "busy" | null> {
  const ref = projectRef(db, projectId);
  return db.runTransaction(async (tx) => {
    const parsed = projectSchema.safeParse((await tx.get(ref)).data());
    if (!parsed.success) return null;
    const p = parsed.data;
    if (p.heygenStatus !== "completed" || !p.heygenVideoId || p.archivedVideoPath) return null;
    const from = archiveState(p);
    const to = nextState(archiveMachine, from, "claim");
    if (!to) return null;
    if (from === "running" && (p.archiveNextAttemptAt?.toMillis() ?? 0) > now.getTime())
      return "busy";
    const attempts = (p.archiveAttempts ?? 0) + 1;
    const token = newLeaseToken();
    tx.update(ref, {
      archiveState: to,
      archiveAttempts: attempts,
      archiveNextAttemptAt: new Date(now.getTime() + ARCHIVE_LEASE_MS),
      archiveLeaseToken: token,
      history: from === to ? p.history : appendHistory(p.history, entry(to, now)),
    });
    return {
      uid: p.userId,
      videoId: p.heygenVideoId,
      attempts,
      apiVersion: p.heygenApiVersion,
      token,
    };
  });
}

/**
 * gone: the project was deleted; replaced: it moved on to a newer video; refused: the
 * lease expired and another run holds it now (or held it and finished).
 */
export type LeasedWrite = "written" | "gone" | "replaced" | "refused";

async function underArchiveLease(
  db: Firestore,
  projectId: string,
  claim: Pick<ArchiveClaim, "token" | "videoId">,
  event: "archived" | "retry",
  fields: (p: Project) => Record<string, unknown>,
  now: Date,
): Promise<LeasedWrite> {
  const ref = projectRef(db, projectId);
  const outcome = await db.runTransaction(async (tx): Promise<LeasedWrite> => {
    const snap = await tx.get(ref);
    if (!snap.exists) return "gone";
    const p = projectSchema.parse(snap.data());
    if (p.heygenVideoId !== claim.videoId) return "replaced";
    const to = nextState(archiveMachine, archiveState(p), event);
    if (!to || p.archiveLeaseToken !== claim.token) return "refused";
    tx.update(ref, {
      ...fields(p),
      archiveState: to,
      archiveLeaseToken: null,
      history: appendHistory(p.history, entry(to, now)),
    });
    return "written";
  });
  if (outcome === "refused") {
    log.warn("archive: late write under an expired lease refused", { projectId, event });
  }
  return outcome;
}

/** running → done, under the claim's lease. */
export const markArchived = (
  db: Firestore,
  projectId: string,
  claim: Pick<ArchiveClaim, "token" | "videoId">,
  copy: { path: string; now: Date; retainUntil: Date },
): Promise<LeasedWrite> =>
  underArchiveLease(
    db,
    projectId,
    claim,
    "archived",
    () => ({
      archivedVideoPath: copy.path,
      archiveNextAttemptAt: null,
      archiveError: null,
      archivedAt: copy.now,
      // Retention: the copy is purged after MEDIA_RETENTION_DAYS (purge_expired_media).
      archiveRetainUntil: copy.retainUntil,
    }),
    copy.now,
  );

/** running → failed with the next attempt time, under the claim's lease. */
export const scheduleArchiveRetry = (
  db: Firestore,
  projectId: string,
  claim: Pick<ArchiveClaim, "token" | "videoId">,
  retry: { message: string; nextAttemptAt: Date; now: Date },
): Promise<LeasedWrite> =>
  underArchiveLease(
    db,
    projectId,
    claim,
    "retry",
    () => ({ archiveError: retry.message, archiveNextAttemptAt: retry.nextAttemptAt }),
    retry.now,
  );

/** done → purged, while the project still holds this copy; true when this call purged it. */
export async function markPurged(
  db: Firestore,
  projectId: string,
  path: string,
  now: Date,
): Promise<boolean> {
  const ref = projectRef(db, projectId);
  return db.runTransaction(async (tx) => {
    const p = projectSchema.safeParse((await tx.get(ref)).data());
    if (!p.success || p.data.archivedVideoPath !== path) return false;
    const to = nextState(archiveMachine, archiveState(p.data), "purge");
    if (!to) return false;
    tx.update(ref, {
      archivedVideoPath: null,
      archiveState: to,
      archiveRetainUntil: null,
      archivePurgedAt: now,
      history: appendHistory(p.data.history, entry(to, now)),
    });
    return true;
  });
}

/** Archived copies whose retention ended: `{id, path}` of projects in state done. */
export async function expiredArchives(
  db: Firestore,
  now: Date,
  limit: number,
): Promise<{ id: string; path: string }[]> {
  const snap = await db
    .collection("projects")
    .where("archiveRetainUntil", "<=", now)
    .limit(limit)
    .get();
  const out: { id: string; path: string }[] = [];
  for (const doc of snap.docs) {
    const p = projectSchema.safeParse(doc.data());
    if (!p.success || archiveState(p.data) !== "done" || !p.data.archivedVideoPath) continue;
    out.push({ id: doc.id, path: p.data.archivedVideoPath });
  }
  return out;
}
