/**
 * The video lifecycle of a project (`video`, the job shape; `heygenStatus`, HeyGen's own
 * word, its mirror). HeyGen's answers arrive from three places (poller, webhook,
 * video_status) and all go through `recordStatus`; `endVideo` ends a video that will
 * never finish; `cancelVideo` ends it on consent withdrawal or erasure; a failed read
 * backs the poller off (`recordReadFailure`). Every write goes through leasedTransition
 * and only while the project still points at the video it is about (a newer generate wins).
 */
import type { Firestore } from "firebase-admin/firestore";
import type { VideoDetails } from "../clients/heygen";
import type { JobError } from "./job-shape";
import { leasedTransition, type StoredMachine } from "./leased-transition";
import { archiveMachine } from "./project-archive";
import { projectMirrors } from "./project-step";
import {
  archiveState,
  parseProject,
  projectRef,
  projectSchema,
  VIDEO_STATES,
  videoState,
  type Project,
  type VideoState,
} from "./projects";
import { isTerminal } from "./state-machine";
import { urlRefreshAt } from "./url-refresh";

/**
 * Terminal video states: HeyGen's two, plus our own `cancelled` (consent withdrawn or
 * the user erased while it rendered: the project is not followed any more).
 */
export const VIDEO_TERMINAL = ["completed", "failed", "cancelled"] as const;

const HEYGEN = "poll-videos.ts, webhook.ts, video-status.ts";
const fromHeygen = (from: "pending" | "processing") =>
  (["pending", "processing", "completed", "failed"] as const).map((to) => ({
    from,
    event: "heygenStatus",
    to,
    fn: "recordStatus",
    by: HEYGEN,
  }));

export const videoMachine: StoredMachine<VideoState, Project> = {
  name: "project video",
  collection: "projects",
  schema: projectSchema,
  field: "video",
  logKey: "projectId",
  initial: "none",
  states: VIDEO_STATES,
  terminal: VIDEO_TERMINAL,
  // A new video replaces a finished one; HeyGen may still report on a finished video
  // (URL refresh of a completed one, a result arriving after the deadline ended it).
  reopen: ["submit", "heygenStatus"],
  reported: ["heygenStatus"],
  of: (p) => p.video,
  mirrors: projectMirrors,
  transitions: [
    ...(["none", "completed", "failed", "cancelled"] as const).map((from) => ({
      from,
      event: "submit",
      to: "pending" as const,
      fn: "markSubmitted",
      by: "generate-video.ts, resume-generate.ts",
    })),
    ...fromHeygen("pending"),
    ...fromHeygen("processing"),
    { from: "completed", event: "heygenStatus", to: "completed", fn: "recordStatus", by: HEYGEN },
    { from: "failed", event: "heygenStatus", to: "completed", fn: "recordStatus", by: HEYGEN },
    { from: "failed", event: "heygenStatus", to: "failed", fn: "recordStatus", by: HEYGEN },
    ...(["pending", "processing"] as const).flatMap((from) => [
      { from, event: "readFailed", to: from, fn: "recordReadFailure", by: "poll-videos.ts" },
      {
        from,
        event: "end",
        to: "failed" as const,
        fn: "endVideo",
        by: "poll-videos.ts, webhook.ts",
      },
      {
        from,
        event: "cancel",
        to: "cancelled" as const,
        fn: "cancelVideo",
        by: "privacy/remove-heygen-inputs.ts",
      },
    ]),
  ],
};

/** completed | failed | cancelled | pending | processing: `waiting` is pending, anything unknown is processing. */
export function normaliseStatus(status: string): Exclude<VideoState, "none"> {
  if (
    status === "completed" ||
    status === "failed" ||
    status === "cancelled" ||
    status === "pending" ||
    status === "processing"
  )
    return status;
  return status === "waiting" ? "pending" : "processing";
}

export const isTerminalVideoStatus = (status: string | null | undefined): boolean =>
  !!status && isTerminal(videoMachine, normaliseStatus(status));

/** Whether the project's video is being made at HeyGen (pending or processing). */
export const videoInFlight = (p: Project): boolean =>
  !!p.heygenVideoId && !isTerminal(videoMachine, videoState(p)) && videoState(p) !== "none";

/**
 * Whether a project write just completed its video: the update trigger releases the
 * video's inputs then (privacy/release-inputs.ts).
 */
export function videoJustCompleted(before: unknown, after: unknown): boolean {
  const state = (data: unknown) => {
    const p = parseProject(data);
    return p ? videoState(p) : "none";
  };
  return state(after) === "completed" && state(before) !== "completed";
}

/** The `Expires=<unix seconds>` of a CloudFront-signed URL, or null. */
export function parseUrlExpiry(url: string | null): Date | null {
  if (!url) return null;
  try {
    const raw = new URL(url).searchParams.get("Expires");
    const n = raw ? Number(raw) : NaN;
    return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : null;
  } catch {
    return null;
  }
}

/** The failure HeyGen reports for a failed video (a message of our own when it gives none). */
export const heygenFailure = (d: VideoDetails): JobError | null =>
  d.status === "failed"
    ? (d.error ?? { code: null, message: "HeyGen could not render the video" })
    : null;

/**
 * HeyGen's view of a video as the project's top-level fields keep it, and when its URL
 * is to be renewed (never once the video is archived).
 */
export function videoFields(
  d: VideoDetails,
  now: Date,
  refresh: { marginMs: number; archived: boolean },
) {
  const expiresAt = parseUrlExpiry(d.videoUrl);
  return {
    heygenStatus: d.status,
    videoUrl: d.videoUrl,
    videoUrlExpiresAt: expiresAt,
    urlRefreshAt: urlRefreshAt(expiresAt, now, refresh),
    thumbnailUrl: d.thumbnailUrl,
    durationSeconds: d.durationSeconds,
    updatedAt: now,
  };
}

/**
 * Writes HeyGen's view of a video onto its project (event `heygenStatus`; a good read
 * also ends the poll back-off), only while the project still points at that video and
 * the table allows the move (a cancelled video is never revived). A video that just
 * completed is queued for archival in the same write.
 */
export async function recordStatus(
  db: Firestore,
  projectId: string,
  videoId: string,
  details: VideoDetails,
  now: Date,
  /** HEYGEN_URL_REFRESH_MARGIN_MINUTES, in ms. */
  refreshMarginMs: number,
): Promise<{ project: Project | null; applied: boolean }> {
  const to = normaliseStatus(details.status);
  const r = await leasedTransition(videoMachine, projectRef(db, projectId), null, "heygenStatus", {
    now,
    to,
    write: (p) =>
      p.heygenVideoId !== videoId
        ? null
        : {
            doc: videoFields(details, now, {
              marginMs: refreshMarginMs,
              archived: archiveState(p) === "done",
            }),
            job: {
              error: heygenFailure(details),
              checkedAt: now,
              attempts: 0,
              authFailures: 0,
              nextAttemptAt: null,
            },
          },
    // A finished video is queued for archival once (the trigger and the poller pick it up).
    also: (p) =>
      to === "completed" && archiveState(p) === "none" && !p.archivedVideoPath
        ? [{ machine: archiveMachine, event: "queue", job: { nextAttemptAt: now } }]
        : [],
  });
  return { project: r.before, applied: r.outcome === "written" };
}

/** A failed HeyGen read of an unfinished video: the poller's back-off, while it still points at it. */
export async function recordReadFailure(
  db: Firestore,
  projectId: string,
  videoId: string,
  backoff: { attempts: number; authFailures: number; nextAttemptAt: Date },
  now: Date,
): Promise<void> {
  await leasedTransition(videoMachine, projectRef(db, projectId), null, "readFailed", {
    now,
    write: (p) => (p.heygenVideoId === videoId ? { job: backoff } : null),
  });
}

export type VideoEndCode = "RENDER_DEADLINE" | "VIDEO_NOT_FOUND" | "VIDEO_ACCESS_DENIED";

export const notFoundMessage = (videoId: string): string =>
  `HeyGen no longer knows video ${videoId} (deleted or never created); generate it again.`;

async function endAs(
  db: Firestore,
  projectId: string,
  videoId: string,
  event: "end" | "cancel",
  error: { code: string; message: string },
  now: Date,
): Promise<boolean> {
  const r = await leasedTransition(videoMachine, projectRef(db, projectId), null, event, {
    now,
    write: (p, { to }) =>
      p.heygenVideoId === videoId
        ? { doc: { heygenStatus: to, updatedAt: now }, job: { error, nextAttemptAt: null } }
        : null,
  });
  return r.outcome === "written";
}

/**
 * Ends a video that will never finish (deadline passed, deleted at HeyGen, key no
 * longer allowed to read it): failed with an error the user can act on, only while it
 * is unfinished (a result that arrived meanwhile wins).
 */
export const endVideo = (
  db: Firestore,
  projectId: string,
  videoId: string,
  error: { code: VideoEndCode; message: string },
  now: Date,
): Promise<boolean> => endAs(db, projectId, videoId, "end", error, now);

/** Ends an unfinished video `cancelled` (consent withdrawn, account erased). */
export const cancelVideo = (
  db: Firestore,
  projectId: string,
  videoId: string,
  error: { code: string; message: string },
  now: Date,
): Promise<boolean> => endAs(db, projectId, videoId, "cancel", error, now);
