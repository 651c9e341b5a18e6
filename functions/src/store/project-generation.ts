/**
 * The generation lifecycle of a project (`generation {state, attempt, leaseExpiresAt,
 * leaseToken}`): `generate` claims the right to create a video under a fenced lease,
 * then records the video it created or its failure. A second call while a video is in
 * flight gets that video; a call while a claim holds waits for it. A claim whose lease
 * expired (the function died mid-create) is taken over with the same attempt number,
 * so v3's Idempotency-Key replays the create that may have happened; the first
 * worker's late write is then refused (its token is no longer the lease's) and logged.
 *
 * A new photo look can take a minute or two at HeyGen: when it is not ready within
 * `HEYGEN_LOOK_WAIT_SECONDS`, generate `defer`s (submitting → preparing, the request and
 * its quota window kept in `generation.deferred`) and answers 202. on_project_updated
 * `resume`s it in the background (preparing → submitting under a new lease);
 * resume_deferred_generates takes over one whose worker died (`deferred.resumeAt` passed).
 */
import type { Firestore, Transaction } from "firebase-admin/firestore";
import { ApiError } from "../errors";
import { log } from "../logs";
import {
  projectRef,
  projectSchema,
  parseOwned,
  getOwnedProject,
  RECORDED_VOICE,
  voiceUsedSchema,
  type Project,
  type VoiceUsed,
} from "./projects";
import { archiveMachine, archiveState, resetArchiveFields } from "./project-archive";
import { isTerminalVideoStatus, videoMachine, videoState } from "./project-video";
import {
  appendHistory,
  assertTransition,
  newLeaseToken,
  nextState,
  type Machine,
} from "./state-machine";

export const GENERATION_STATES = [
  "none",
  "submitting",
  "preparing",
  "submitted",
  "failed",
] as const;
export type GenerationState = (typeof GENERATION_STATES)[number];
export const GENERATION_TERMINAL = ["submitted", "failed"] as const;

export const generationMachine: Machine<GenerationState> = {
  name: "project generation",
  collection: "projects",
  field: "projects.generation.state",
  initial: "none",
  states: GENERATION_STATES,
  terminal: GENERATION_TERMINAL,
  // A finished video (or a failed attempt) may be generated again.
  reopen: ["claim"],
  transitions: [
    ...(["none", "submitted", "failed"] as const).map((from) => ({
      from,
      event: "claim",
      to: "submitting" as const,
      fn: "claimSubmit",
      by: "generate-video.ts",
    })),
    {
      from: "submitting",
      event: "claim",
      to: "submitting",
      fn: "claimSubmit",
      by: "generate-video.ts (the lease expired: take-over)",
    },
    {
      from: "submitting",
      event: "submitted",
      to: "submitted",
      fn: "markSubmitted",
      by: "generate-video.ts",
    },
    {
      from: "submitting",
      event: "fail",
      to: "failed",
      fn: "failSubmit",
      by: "generate-video.ts, resume-generate.ts",
    },
    {
      from: "submitting",
      event: "defer",
      to: "preparing",
      fn: "deferSubmit",
      by: "generate-video.ts (the new look is not ready within HEYGEN_LOOK_WAIT_SECONDS)",
    },
    {
      from: "preparing",
      event: "resume",
      to: "submitting",
      fn: "resumeDeferred",
      by: "resume-generate.ts (on_project_updated; resume_deferred_generates when nobody ran it)",
    },
    {
      from: "submitting",
      event: "resume",
      to: "submitting",
      fn: "resumeDeferred",
      by: "resume-generate.ts (the background worker's lease expired: take-over)",
    },
  ],
};

export const generationState = (p: Pick<Project, "generation">): GenerationState =>
  p.generation?.state ?? "none";

/** Longer than the whole flow can take inside generate's 540 s timeout. */
export const GENERATE_LEASE_MS = 10 * 60 * 1000;
/** A deferred generate nobody resumed within this is taken over by resume_deferred_generates. */
export const DEFERRED_PICKUP_MS = 2 * 60 * 1000;

/** What a deferred generate keeps for its background run (`generation.deferred`). */
export interface Deferred {
  /** The validated generate request, without undefined values (Firestore). */
  request: Record<string, unknown>;
  /** The day window of the video reserved from the quota, given back if it fails. */
  quotaWindow: string;
  /** When generate deferred it (ms): the background run's deadline counts from here. */
  at: number;
  /** From then on (ms) resume_deferred_generates may take it over. */
  resumeAt: number;
}

export interface SubmittedVideo {
  videoId: string;
  fallbackAvatarUsed: boolean;
  voice: VoiceUsed;
}

function submittedVideo(p: Project, videoId: string): SubmittedVideo {
  const voice = voiceUsedSchema.parse(p.voice ?? RECORDED_VOICE); // drops scriptSha256
  return { videoId, fallbackAvatarUsed: p.fallbackAvatarUsed === true, voice };
}

/** The lease of a claim: every write under it presents the token. */
export interface GenerationLease {
  attempt: number;
  token: string;
}

export type GenerationClaim =
  | { kind: "existing"; result: SubmittedVideo }
  | { kind: "in-progress" }
  /** Deferred: the background run finishes it (generate answers 202 again). */
  | { kind: "preparing" }
  | { kind: "claimed"; lease: GenerationLease; project: Project };

const entry = (state: string, at: Date, machine = "generation") => ({ machine, state, at });

/** Claims the right to create a video for this project (see the file's comment). */
export async function claimSubmit(
  db: Firestore,
  id: string,
  uid: string,
  now: Date,
  leaseMs: number = GENERATE_LEASE_MS,
): Promise<GenerationClaim> {
  const ref = projectRef(db, id);
  const nowMs = now.getTime();
  return db.runTransaction(async (tx) => {
    const p = parseOwned((await tx.get(ref)).data(), uid, id);
    if (p.heygenVideoId && p.heygenStatus && !isTerminalVideoStatus(p.heygenStatus)) {
      return { kind: "existing", result: submittedVideo(p, p.heygenVideoId) };
    }
    const g = p.generation;
    const from = generationState(p);
    // A deferred generate belongs to its background run (and holds its reserved video),
    // even when that run's lease expired: resumeDeferred takes it over, not a new claim.
    if (from === "preparing" || (from === "submitting" && g?.deferred))
      return { kind: "preparing" };
    if (from === "submitting" && (g?.leaseExpiresAt ?? 0) > nowMs) return { kind: "in-progress" };
    const to = nextState(generationMachine, from, "claim");
    if (!to) throw new Error(`generation: no claim from ${from}`);
    // An expired claim, or a failure whose create may have reached HeyGen, keeps its
    // attempt (and so its Idempotency-Key): a retry replays that create, never bills twice.
    const keep = from === "submitting" || (from === "failed" && g?.reuseAttempt === true);
    const attempt = keep ? (g?.attempt ?? 1) : (g?.attempt ?? 0) + 1;
    const lease = { attempt, token: newLeaseToken() };
    tx.update(ref, {
      generation: { state: to, attempt, leaseExpiresAt: nowMs + leaseMs, leaseToken: lease.token },
      history: from === to ? p.history : appendHistory(p.history, entry(to, now)),
    });
    return { kind: "claimed", lease, project: p };
  });
}

/** Runs `write` in a transaction only while `lease` still holds the project's claim. */
async function underLease(
  db: Firestore,
  id: string,
  lease: GenerationLease,
  event: "submitted" | "fail" | "defer",
  write: (p: Project, tx: Transaction) => void,
): Promise<boolean> {
  const ref = projectRef(db, id);
  const written = await db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) return false;
    const p = projectSchema.parse(snap.data());
    const g = p.generation;
    const to = nextState(generationMachine, generationState(p), event);
    if (!to || g?.leaseToken !== lease.token) return false;
    write(p, tx);
    return true;
  });
  if (!written) {
    log.warn("generate: late write under an expired or taken-over lease refused", {
      projectId: id,
      attempt: lease.attempt,
      event,
    });
  }
  return written;
}

/**
 * submitting → submitted, and the project on its new video (video → pending, archive
 * reset). False when the lease was lost: another worker's result stands.
 */
export async function markSubmitted(
  db: Firestore,
  id: string,
  lease: GenerationLease,
  fields: {
    videoId: string;
    fallbackAvatarUsed: boolean;
    voice: VoiceUsed;
    scriptSha256: string | null;
    apiVersion: "v2" | "v3";
    now: Date;
  },
): Promise<boolean> {
  const now = fields.now;
  return underLease(db, id, lease, "submitted", (p, tx) => {
    assertTransition(videoMachine, videoState(p), "submit", "pending");
    let history = appendHistory(p.history, entry("submitted", now));
    history = appendHistory(history, entry("pending", now, "video"));
    if (archiveState(p) !== "none") {
      assertTransition(archiveMachine, archiveState(p), "reset", "none");
      history = appendHistory(history, entry("none", now, "archive"));
    }
    tx.update(projectRef(db, id), {
      heygenVideoId: fields.videoId,
      voice: { ...fields.voice, scriptSha256: fields.scriptSha256 },
      heygenStatus: "pending",
      heygenApiVersion: fields.apiVersion,
      heygenSubmittedAt: now,
      fallbackAvatarUsed: fields.fallbackAvatarUsed,
      videoUrl: null,
      videoUrlExpiresAt: null,
      thumbnailUrl: null,
      durationSeconds: null,
      ...resetArchiveFields(),
      error: null,
      generation: {
        state: "submitted",
        attempt: lease.attempt,
        leaseExpiresAt: null,
        leaseToken: null,
      },
      updatedAt: now,
      history,
    });
  });
}

/** submitting → failed; the failure stays visible until the next successful generate. */
export function failSubmit(
  db: Firestore,
  id: string,
  lease: GenerationLease,
  fields: { error: { code: string; message: string }; now: Date; createMayHaveHappened?: boolean },
): Promise<boolean> {
  return underLease(db, id, lease, "fail", (p, tx) => {
    tx.update(projectRef(db, id), {
      generation: {
        state: "failed",
        attempt: lease.attempt,
        leaseExpiresAt: null,
        leaseToken: null,
        reuseAttempt: fields.createMayHaveHappened === true,
      },
      error: { code: fields.error.code, message: fields.error.message },
      updatedAt: fields.now,
      history: appendHistory(p.history, entry("failed", fields.now)),
    });
  });
}

/**
 * submitting → preparing: the look is not ready yet; the request and its quota window
 * are kept for the background run, which on_project_updated starts at once.
 */
export function deferSubmit(
  db: Firestore,
  id: string,
  lease: GenerationLease,
  fields: {
    request: Record<string, unknown>;
    quotaWindow: string;
    now: Date;
    /** When the request was first deferred (a background run deferring again keeps it). */
    at?: number;
    /** An earlier create of this attempt may exist upstream (kept for the v2 lookup). */
    reuseAttempt: boolean;
  },
): Promise<boolean> {
  const nowMs = fields.now.getTime();
  const deferred: Deferred = {
    request: fields.request,
    quotaWindow: fields.quotaWindow,
    at: fields.at ?? nowMs,
    resumeAt: nowMs + DEFERRED_PICKUP_MS,
  };
  return underLease(db, id, lease, "defer", (p, tx) => {
    tx.update(projectRef(db, id), {
      generation: {
        state: "preparing",
        attempt: lease.attempt,
        leaseExpiresAt: null,
        leaseToken: null,
        reuseAttempt: fields.reuseAttempt,
        deferred,
      },
      error: null,
      updatedAt: fields.now,
      history: appendHistory(p.history, entry("preparing", fields.now)),
    });
  });
}

/** Whether a project write just deferred a generate (on_project_updated resumes it). */
export function generationJustDeferred(before: unknown, after: unknown): boolean {
  const state = (data: unknown) => {
    const p = projectSchema.safeParse(data);
    return p.success ? generationState(p.data) : "none";
  };
  return state(after) === "preparing" && state(before) !== "preparing";
}

/** A background run's claim of a deferred generate. */
export interface ResumedClaim {
  lease: GenerationLease;
  project: Project;
  deferred: Deferred;
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
  const ref = projectRef(db, id);
  const nowMs = now.getTime();
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) return null;
    const p = projectSchema.parse(snap.data());
    const g = p.generation;
    const from = generationState(p);
    if (!g?.deferred) return null;
    if (from === "submitting" && (g.leaseExpiresAt ?? 0) > nowMs) return null;
    const to = nextState(generationMachine, from, "resume");
    if (!to) return null;
    const lease = { attempt: g.attempt, token: newLeaseToken() };
    const deferred: Deferred = { ...g.deferred, resumeAt: nowMs + leaseMs };
    tx.update(ref, {
      generation: {
        state: to,
        attempt: g.attempt,
        leaseExpiresAt: nowMs + leaseMs,
        leaseToken: lease.token,
        reuseAttempt: g.reuseAttempt ?? null,
        deferred,
      },
      history: from === to ? p.history : appendHistory(p.history, entry(to, now)),
    });
    return { lease, project: p, deferred };
  });
}

/** Deferred generates nobody runs (their `resumeAt` passed), oldest first. */
export async function stalledDeferredIds(
  db: Firestore,
  now: Date,
  limit: number,
): Promise<string[]> {
  const snap = await db
    .collection("projects")
    .where("generation.deferred.resumeAt", "<=", now.getTime())
    .orderBy("generation.deferred.resumeAt")
    .limit(limit)
    .get();
  return snap.docs.map((d) => d.id);
}

/** Waits for a concurrent generate of the same project to publish its video id. */
export async function waitForVideoId(
  db: Firestore,
  id: string,
  uid: string,
  timeoutMs: number,
): Promise<SubmittedVideo | "preparing" | null> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 200; Date.now() < deadline; delay = Math.min(delay * 1.5, 2000)) {
    await new Promise((r) => setTimeout(r, delay));
    const p = await getOwnedProject(db, id, uid);
    if (generationState(p) === "submitted" && p.heygenVideoId) {
      return submittedVideo(p, p.heygenVideoId);
    }
    if (generationState(p) === "preparing") return "preparing";
    if (generationState(p) === "failed") {
      throw new ApiError(
        "CONFLICT",
        p.error?.message ?? "The other generate request for this project failed.",
      );
    }
  }
  return null;
}
