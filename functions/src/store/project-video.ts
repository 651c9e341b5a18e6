/**
 * The video lifecycle of a project: `heygenStatus` (HeyGen's own word, kept as the
 * primary field clients read) moves through the states below, normalised. HeyGen's
 * answers arrive from three places (poller, webhook, video_status) and all go through
 * `recordStatus`; `endVideo` ends a video that will never finish; `cancelVideo` ends it
 * on consent withdrawal or erasure. Also here: the poll back-off after failed reads
 * (`pollFailures`, `pollAuthFailures`, `pollNextAttemptAt`), which is not a state.
 * Every write runs in a transaction and only while the project still points at the
 * video it is about (a newer generate wins).
 */
import type { Firestore } from "firebase-admin/firestore";
import type { VideoDetails } from "../clients/heygen";
import { projectRef, projectSchema, type Project } from "./projects";
import { queueArchive } from "./project-archive";
import { allows, appendHistory, isTerminal, nextState, type Machine } from "./state-machine";

export const VIDEO_STATES = [
  "none",
  "pending",
  "processing",
  "completed",
  "failed",
  "cancelled",
] as const;
export type VideoState = (typeof VIDEO_STATES)[number];

/**
 * Terminal video states: HeyGen's two, plus our own `cancelled` (consent withdrawn or
 * the user erased while it rendered: the project is not followed any more). Also the
 * poller's `not-in` list of raw `heygenStatus` values.
 */
export const VIDEO_TERMINAL = ["completed", "failed", "cancelled"] as const;

const HEYGEN = "poll-videos.ts, webhook.ts, video-status.ts";
const fromHeygen = (from: "pending" | "processing", fn = "recordStatus") =>
  (["pending", "processing", "completed", "failed"] as const).map((to) => ({
    from,
    event: "heygenStatus",
    to,
    fn,
    by: HEYGEN,
  }));

export const videoMachine: Machine<VideoState> = {
  name: "project video",
  collection: "projects",
  field: "projects.heygenStatus",
  initial: "none",
  states: VIDEO_STATES,
  terminal: VIDEO_TERMINAL,
  // A new video replaces a finished one; HeyGen may still report on a finished video
  // (URL refresh of a completed one, a result arriving after the deadline ended it).
  reopen: ["submit", "heygenStatus"],
  reported: ["heygenStatus"],
  transitions: [
    ...(["none", "completed", "failed", "cancelled"] as const).map((from) => ({
      from,
      event: "submit",
      to: "pending" as const,
      fn: "markSubmitted",
      by: "generate-video.ts",
    })),
    ...fromHeygen("pending"),
    ...fromHeygen("processing"),
    { from: "completed", event: "heygenStatus", to: "completed", fn: "recordStatus", by: HEYGEN },
    { from: "failed", event: "heygenStatus", to: "completed", fn: "recordStatus", by: HEYGEN },
    { from: "failed", event: "heygenStatus", to: "failed", fn: "recordStatus", by: HEYGEN },
    ...(["pending", "processing"] as const).flatMap((from) => [
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

export const videoState = (p: Pick<Project, "heygenStatus">): VideoState =>
  p.heygenStatus ? normaliseStatus(p.heygenStatus) : "none";

export const isTerminalVideoStatus = (status: string | null | undefined): boolean =>
  !!status && isTerminal(videoMachine, normaliseStatus(status));

/**
 * Whether a project write just completed its video (heygenStatus became completed):
 * the update trigger releases the video's inputs then (privacy/release-inputs.ts).
 */
export function videoJustCompleted(before: unknown, after: unknown): boolean {
  const state = (data: unknown) => {
    const p = projectSchema.safeParse(data);
    return p.success ? videoState(p.data) : "none";
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

/** HeyGen's view of a video as the project keeps it. */
export function videoFields(d: VideoDetails, now: Date) {
  return {
    heygenStatus: d.status,
    videoUrl: d.videoUrl,
    videoUrlExpiresAt: parseUrlExpiry(d.videoUrl),
    thumbnailUrl: d.thumbnailUrl,
    durationSeconds: d.durationSeconds,
    error:
      d.status === "failed"
        ? (d.error ?? { code: null, message: "HeyGen could not render the video" })
        : null,
    /** When HeyGen was last asked: video_status answers from the project while this is fresh. */
    heygenCheckedAt: now,
    updatedAt: now,
  };
}
export type VideoFields = ReturnType<typeof videoFields>;

/**
 * Writes HeyGen's view of a video onto its project (event `heygenStatus`), only while
 * the project still points at that video and the table allows the move (a cancelled
 * video is never revived). A video that just completed is queued for archival once.
 */
export async function recordStatus(
  db: Firestore,
  projectId: string,
  videoId: string,
  details: VideoDetails,
  now: Date,
): Promise<{ fields: VideoFields; project: Project; applied: boolean }> {
  const fields = videoFields(details, now);
  const ref = projectRef(db, projectId);
  return db.runTransaction(async (tx) => {
    const current = projectSchema.parse((await tx.get(ref)).data());
    const from = videoState(current);
    const to = normaliseStatus(details.status);
    const applied =
      current.heygenVideoId === videoId && allows(videoMachine, from, "heygenStatus", to);
    if (!applied) return { fields, project: current, applied };
    let history = current.history;
    if (from !== to) history = appendHistory(history, { machine: "video", state: to, at: now });
    // A finished video is queued for archival once (the trigger and the poller pick it up).
    const archive = to === "completed" ? queueArchive(current, now, history) : { history };
    tx.update(ref, { ...fields, ...archive });
    return { fields, project: current, applied };
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
  const ref = projectRef(db, projectId);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const current = projectSchema.safeParse(snap.data());
    if (!snap.exists || !current.success || current.data.heygenVideoId !== videoId) return false;
    const to = nextState(videoMachine, videoState(current.data), event);
    if (!to) return false;
    tx.update(ref, {
      heygenStatus: to,
      error,
      updatedAt: now,
      history: appendHistory(current.data.history, { machine: "video", state: to, at: now }),
    });
    return true;
  });
}

/**
 * Ends a video that will never finish (deadline passed, deleted at HeyGen, key no
 * longer allowed to read it): `heygenStatus: "failed"` with an error the user can act
 * on, only while it is unfinished (a result that arrived meanwhile wins).
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

export interface PollBackoff {
  pollFailures: number;
  pollAuthFailures: number;
  pollNextAttemptAt: Date | null;
}
export const NO_BACKOFF: PollBackoff = {
  pollFailures: 0,
  pollAuthFailures: 0,
  pollNextAttemptAt: null,
};

/** Stores the poll back-off while the project still points at this unfinished video. */
export async function recordPollBackoff(
  db: Firestore,
  projectId: string,
  videoId: string,
  backoff: PollBackoff,
): Promise<void> {
  const ref = projectRef(db, projectId);
  await db.runTransaction(async (tx) => {
    const current = projectSchema.safeParse((await tx.get(ref)).data());
    if (!current.success || current.data.heygenVideoId !== videoId) return;
    tx.update(ref, { ...backoff });
  });
}
