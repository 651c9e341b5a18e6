/**
 * The archive lifecycle of a project (`archive`, the job shape; `archivedVideoPath` its
 * mirror): a completed video is queued (by the video's own transition), claimed under a
 * fenced lease, archived or scheduled for a retry, and purged after the retention period.
 * A new video of the project resets it. Every write goes through leasedTransition; a
 * write under an expired or taken-over lease is refused and logged.
 */
import type { Firestore } from "firebase-admin/firestore";
import { newLease, type Lease } from "./job-shape";
import { leasedTransition, type StoredMachine } from "./leased-transition";
import { projectMirrors } from "./project-step";
import {
  ARCHIVE_STATES,
  archiveState,
  parseProject,
  projectRef,
  projectSchema,
  videoState,
  type ArchiveState,
  type Captions,
  type CaptionsPlan,
  type Project,
} from "./projects";

export const archiveMachine: StoredMachine<ArchiveState, Project> = {
  name: "project archive",
  collection: "projects",
  schema: projectSchema,
  field: "archive",
  logKey: "projectId",
  initial: "none",
  states: ARCHIVE_STATES,
  terminal: ["purged"],
  reopen: ["reset"],
  of: (p) => p.archive,
  mirrors: projectMirrors,
  transitions: [
    {
      from: "none",
      event: "queue",
      to: "pending",
      fn: "recordStatus",
      by: "poll-videos.ts, webhook.ts, video-status.ts (the video completed)",
    },
    // From none too: a completed video the queueing missed.
    ...(["none", "pending", "failed", "running"] as const).map((from) => ({
      from,
      event: "claim",
      to: "running" as const,
      lease: "take" as const,
      fn: "claimArchive",
      by: "archive-video.ts (on_project_updated, poll-videos.ts)",
    })),
    {
      from: "running",
      event: "archived",
      to: "done",
      lease: "release",
      fn: "markArchived",
      by: "archive-video.ts",
    },
    {
      from: "running",
      event: "retry",
      to: "failed",
      lease: "release",
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
      lease: "clear" as const,
      fn: "markSubmitted",
      by: "generate-video.ts (a new video)",
    })),
  ],
};

/** The archive's sub-object of a new video (any state → none), for markSubmitted. */
export const ARCHIVE_RESET = {
  attempts: 0,
  nextAttemptAt: null,
  error: null,
  archivedAt: null,
  retainUntil: null,
  purgedAt: null,
};

/**
 * Whether a project write just queued its video for archival (archive became pending):
 * the update trigger archives at once then, and exits on every other write.
 */
export function archiveJustQueued(before: unknown, after: unknown): boolean {
  const state = (data: unknown) => {
    const p = parseProject(data);
    return p ? archiveState(p) : "none";
  };
  return state(after) === "pending" && state(before) !== "pending";
}

/** Longer than a download of a long video can take inside the trigger's 540 s timeout. */
export const ARCHIVE_LEASE_MS = 10 * 60 * 1000;

export interface ArchiveClaim {
  uid: string;
  videoId: string;
  attempts: number;
  apiVersion: "v2" | "v3";
  lease: Lease;
  /** The captions to write with the copy; null for a video from before captions. */
  captions: CaptionsPlan | null;
}

/** The words of the video's captions: the script kept for them, or the typed transcript. */
export function captionsToWrite(p: Pick<Project, "captions" | "transcript">): CaptionsPlan | null {
  const c = p.captions;
  if (!c) return null;
  if (c.source === "script") return { source: c.source, text: c.script };
  if (c.source === "transcript") return { source: c.source, text: p.transcript ?? null };
  return { source: "none", text: null };
}

/**
 * Claims the archival of a completed video: null when there is nothing to archive,
 * "busy" while another run's lease holds. A run that dies is due again when its lease ends.
 */
export async function claimArchive(
  db: Firestore,
  projectId: string,
  now: Date,
): Promise<ArchiveClaim | "busy" | null> {
  const lease = newLease(now, ARCHIVE_LEASE_MS);
  const r = await leasedTransition(archiveMachine, projectRef(db, projectId), lease, "claim", {
    now,
    write: (p) =>
      videoState(p) !== "completed" || !p.heygenVideoId || p.archivedVideoPath
        ? null
        : { job: { attempts: (p.archive?.attempts ?? 0) + 1, nextAttemptAt: lease.until } },
  });
  if (r.outcome === "busy") return "busy";
  if (r.outcome !== "written") return null;
  const p = r.after;
  if (!p.heygenVideoId || !p.video || !p.archive) return null;
  return {
    uid: p.userId,
    videoId: p.heygenVideoId,
    attempts: p.archive.attempts,
    apiVersion: p.video.apiVersion,
    lease,
    captions: captionsToWrite(p),
  };
}

/**
 * gone: the project was deleted; replaced: it moved on to a newer video; refused: the
 * lease expired and another run holds it now (or held it and finished).
 */
export type LeasedWrite = "written" | "gone" | "replaced" | "refused";

async function underArchiveLease(
  db: Firestore,
  projectId: string,
  claim: Pick<ArchiveClaim, "lease" | "videoId">,
  event: "archived" | "retry",
  fields: { doc?: Record<string, unknown>; job: Record<string, unknown> },
  now: Date,
): Promise<LeasedWrite> {
  const r = await leasedTransition(archiveMachine, projectRef(db, projectId), claim.lease, event, {
    now,
    write: (p) => (p.heygenVideoId === claim.videoId ? fields : null),
  });
  if (r.outcome === "written") return "written";
  if (r.outcome === "gone") return "gone";
  return r.before.heygenVideoId !== claim.videoId ? "replaced" : "refused";
}

/** running → done, under the claim's lease. */
export const markArchived = (
  db: Firestore,
  projectId: string,
  claim: Pick<ArchiveClaim, "lease" | "videoId">,
  copy: { path: string; now: Date; retainUntil: Date; captions?: Captions },
): Promise<LeasedWrite> =>
  underArchiveLease(
    db,
    projectId,
    claim,
    "archived",
    {
      // The captions are written with the copy; a script's words are no longer kept. The
      // client plays the archived copy: HeyGen's URL is not renewed any more.
      doc: {
        archivedVideoPath: copy.path,
        urlRefreshAt: null,
        ...(copy.captions ? { captions: copy.captions } : {}),
      },
      // Retention: the copy is purged after MEDIA_RETENTION_DAYS (purge_expired_media).
      job: {
        nextAttemptAt: null,
        error: null,
        archivedAt: copy.now,
        retainUntil: copy.retainUntil,
      },
    },
    copy.now,
  );

/** running → failed with the next attempt time, under the claim's lease. */
export const scheduleArchiveRetry = (
  db: Firestore,
  projectId: string,
  claim: Pick<ArchiveClaim, "lease" | "videoId">,
  retry: { message: string; nextAttemptAt: Date; now: Date },
): Promise<LeasedWrite> =>
  underArchiveLease(
    db,
    projectId,
    claim,
    "retry",
    { job: { error: { code: null, message: retry.message }, nextAttemptAt: retry.nextAttemptAt } },
    retry.now,
  );

/** done → purged (the copy and its captions), while the project still holds this copy; true when this call purged it. */
export async function markPurged(
  db: Firestore,
  projectId: string,
  path: string,
  now: Date,
): Promise<boolean> {
  const r = await leasedTransition(archiveMachine, projectRef(db, projectId), null, "purge", {
    now,
    write: (p) =>
      p.archivedVideoPath === path
        ? {
            doc: {
              archivedVideoPath: null,
              ...(p.captions ? { captions: { ...p.captions, path: null } } : {}),
            },
            job: { retainUntil: null, purgedAt: now },
          }
        : null,
  });
  return r.outcome === "written";
}
