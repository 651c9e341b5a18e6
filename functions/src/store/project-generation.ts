/**
 * The generation lifecycle of a project (`generation`, the job shape): `generate` claims
 * the right to create a video under a fenced lease, then records the video it created
 * (the video machine starts in the same write), the failure, or a deferral. A second call
 * while a video is in flight gets that video; a call while a claim holds waits for it. A
 * claim whose lease expired (the function died mid-create) is taken over with the same
 * attempt, so v3's Idempotency-Key replays the create that may have happened; the first
 * worker's late write is then refused (its token is no longer the lease's) and logged.
 *
 * A new photo look can take a minute or two at HeyGen: the deferral (`defer`, `resume`)
 * and the background run's claim are in project-deferral.ts.
 */
import type { Firestore } from "firebase-admin/firestore";
import { notFound } from "../errors";
import { newLease } from "./job-shape";
import { leasedTransition, type StoredMachine } from "./leased-transition";
import { ARCHIVE_RESET, archiveMachine } from "./project-archive";
import { projectMirrors } from "./project-step";
import { videoInFlight, videoMachine } from "./project-video";
import {
  archiveState,
  GENERATION_STATES,
  generationState,
  parseProject,
  projectRef,
  projectSchema,
  RECORDED_VOICE,
  voiceUsedSchema,
  type CaptionsPlan,
  type GenerationState,
  type Project,
  type VoiceUsed,
} from "./projects";

const GENERATE = "generate-video.ts";
const RESUME = "resume-generate.ts";

export const generationMachine: StoredMachine<GenerationState, Project> = {
  name: "project generation",
  collection: "projects",
  schema: projectSchema,
  field: "generation",
  logKey: "projectId",
  initial: "none",
  states: GENERATION_STATES,
  terminal: ["submitted", "failed"],
  // A finished video (or a failed attempt) may be generated again.
  reopen: ["claim"],
  of: (p) => p.generation,
  mirrors: projectMirrors,
  transitions: [
    ...(["none", "submitted", "failed"] as const).map((from) => ({
      from,
      event: "claim",
      to: "submitting" as const,
      lease: "take" as const,
      fn: "claimSubmit",
      by: GENERATE,
    })),
    {
      from: "submitting",
      event: "claim",
      to: "submitting",
      lease: "take",
      fn: "claimSubmit",
      by: `${GENERATE} (the lease expired: take-over)`,
    },
    {
      from: "submitting",
      event: "submitted",
      to: "submitted",
      lease: "release",
      fn: "markSubmitted",
      by: `${GENERATE}, ${RESUME}`,
    },
    {
      from: "submitting",
      event: "fail",
      to: "failed",
      lease: "release",
      fn: "failSubmit",
      by: `${GENERATE}, ${RESUME}`,
    },
    {
      from: "submitting",
      event: "defer",
      to: "preparing",
      lease: "release",
      fn: "deferSubmit",
      by: `${GENERATE}, ${RESUME} (the new look is not ready within the wait)`,
    },
    {
      from: "preparing",
      event: "resume",
      to: "submitting",
      lease: "take",
      fn: "resumeDeferred",
      by: `${RESUME} (on_project_updated; resume_deferred_generates when nobody ran it)`,
    },
    {
      from: "submitting",
      event: "resume",
      to: "submitting",
      lease: "take",
      fn: "resumeDeferred",
      by: `${RESUME} (the background run's lease expired: take-over)`,
    },
  ],
};

/** Longer than the whole flow can take inside generate's 540 s timeout. */
export const GENERATE_LEASE_MS = 10 * 60 * 1000;

/**
 * Whether a generate of this project is deferred: it belongs to its background run (and
 * holds its reserved video), even while that run's lease expired. The one place this is
 * decided: generate answers 202 preparing for it, the claim leaves it alone.
 */
export const isDeferred = (p: Pick<Project, "generation">): boolean => !!p.generation?.deferred;

export interface SubmittedVideo {
  videoId: string;
  fallbackAvatarUsed: boolean;
  voice: VoiceUsed;
}

export function submittedVideo(p: Project, videoId: string): SubmittedVideo {
  const voice = voiceUsedSchema.parse(p.voice ?? RECORDED_VOICE); // drops scriptSha256
  return { videoId, fallbackAvatarUsed: p.fallbackAvatarUsed === true, voice };
}

/** The lease of a claim: every write under it presents the token. */
export interface GenerationLease {
  attempt: number;
  token: string;
}

/** What a generate of this project may do, from its document. */
type Decision =
  | { kind: "existing"; result: SubmittedVideo }
  | { kind: "preparing" }
  | { kind: "claim"; attempt: number };

function decide(p: Project): Decision {
  if (p.heygenVideoId && videoInFlight(p))
    return { kind: "existing", result: submittedVideo(p, p.heygenVideoId) };
  if (isDeferred(p)) return { kind: "preparing" };
  const g = p.generation;
  // An expired claim, or a failure whose create may have reached HeyGen, keeps its
  // attempt (and so its Idempotency-Key): a retry replays that create, never bills twice.
  const keep = g?.state === "submitting" || (g?.state === "failed" && g.reuseAttempt);
  return { kind: "claim", attempt: keep ? Math.max(1, g.attempts) : (g?.attempts ?? 0) + 1 };
}

export type GenerationClaim =
  | { kind: "existing"; result: SubmittedVideo }
  | { kind: "in-progress" }
  /** Deferred: the background run finishes it (generate answers 202 again). */
  | { kind: "preparing" }
  | { kind: "claimed"; lease: GenerationLease; project: Project };

/** Claims the right to create a video for this project (see the file's comment). */
export async function claimSubmit(
  db: Firestore,
  id: string,
  uid: string,
  now: Date,
  leaseMs: number = GENERATE_LEASE_MS,
): Promise<GenerationClaim> {
  const lease = newLease(now, leaseMs);
  const r = await leasedTransition(generationMachine, projectRef(db, id), lease, "claim", {
    now,
    write: (p) => {
      const d = decide(p);
      if (p.userId !== uid || d.kind !== "claim") return null;
      return { job: { attempts: d.attempt, error: null, nextAttemptAt: null } };
    },
  });
  if (r.outcome === "gone" || r.before.userId !== uid) throw notFound(`Project ${id}`);
  if (r.outcome === "written") {
    const attempt = r.after.generation?.attempts ?? 1;
    return { kind: "claimed", lease: { attempt, token: lease.token }, project: r.before };
  }
  const d = decide(r.before);
  if (d.kind === "existing") return d;
  if (d.kind === "preparing") return d;
  return { kind: "in-progress" };
}

/** submitting → submitted, and the new video starts (video → pending, archive → none). */
export async function markSubmitted(
  db: Firestore,
  id: string,
  lease: GenerationLease,
  fields: {
    videoId: string;
    fallbackAvatarUsed: boolean;
    voice: VoiceUsed;
    scriptSha256: string | null;
    /** The new video's captions (absent: none, as for a recording without a transcript). */
    captions?: CaptionsPlan;
    apiVersion: "v2" | "v3";
    now: Date;
  },
): Promise<boolean> {
  const now = fields.now;
  const captions = fields.captions ?? { source: "none", text: null };
  const r = await leasedTransition(generationMachine, projectRef(db, id), lease, "submitted", {
    now,
    write: () => ({
      doc: {
        heygenVideoId: fields.videoId,
        heygenStatus: "pending",
        voice: { ...fields.voice, scriptSha256: fields.scriptSha256 },
        fallbackAvatarUsed: fields.fallbackAvatarUsed,
        videoUrl: null,
        videoUrlExpiresAt: null,
        urlRefreshAt: null,
        thumbnailUrl: null,
        durationSeconds: null,
        archivedVideoPath: null,
        // The script waits here for the captions (written with the archive); a
        // transcript stays: it is what the user typed for this recording.
        transcript: captions.source === "transcript" ? captions.text : null,
        captions: {
          source: captions.source,
          script: captions.source === "script" ? captions.text : null,
          path: null,
          error: null,
        },
        heygenVideoDeletedAt: null,
        updatedAt: now,
      },
      job: { error: null, nextAttemptAt: null, reuseAttempt: false, deferred: null },
    }),
    also: (p) => [
      {
        machine: videoMachine,
        event: "submit",
        job: {
          attempts: 0,
          authFailures: 0,
          nextAttemptAt: null,
          error: null,
          apiVersion: fields.apiVersion,
          submittedAt: now,
          checkedAt: null,
        },
      },
      ...(archiveState(p) === "none"
        ? []
        : [{ machine: archiveMachine, event: "reset", job: ARCHIVE_RESET }]),
    ],
  });
  return r.outcome === "written";
}

/** submitting → failed; the failure stays visible until the next generate. */
export async function failSubmit(
  db: Firestore,
  id: string,
  lease: GenerationLease,
  fields: { error: { code: string; message: string }; now: Date; createMayHaveHappened: boolean },
): Promise<boolean> {
  const r = await leasedTransition(generationMachine, projectRef(db, id), lease, "fail", {
    now: fields.now,
    write: () => ({
      doc: { updatedAt: fields.now },
      job: {
        error: { code: fields.error.code, message: fields.error.message },
        reuseAttempt: fields.createMayHaveHappened,
        deferred: null,
        nextAttemptAt: null,
      },
    }),
  });
  return r.outcome === "written";
}

/** Whether a project write just deferred a generate (on_project_updated resumes it). */
export function generationJustDeferred(before: unknown, after: unknown): boolean {
  const state = (data: unknown) => {
    const p = parseProject(data);
    return p ? generationState(p) : "none";
  };
  return state(after) === "preparing" && state(before) !== "preparing";
}
