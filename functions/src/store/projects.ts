/**
 * projects/{projectId}. The client creates `{userId, name, voiceUrl?, avatarUrl?}`;
 * the server writes the HeyGen fields. `generation` is the claim of a running
 * `generate` (state guard + lease) so a second call never creates a second video.
 */
import type { DocumentReference, Firestore, Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import { ApiError, notFound } from "../errors";
import { isTerminalVideoStatus } from "../clients/heygen/types";

const ts = z.custom<Timestamp>((v) => typeof (v as Timestamp)?.toDate === "function");

/** What a video is spoken with, as `generate` reports it and the project keeps it. */
export const voiceUsedSchema = z.object({
  source: z.enum(["recorded", "tts"]),
  /** The HeyGen voice (tts); null for a recording or an unknown look default voice. */
  voiceId: z.string().nullable(),
  voiceIdFrom: z.enum(["request", "look_default"]).nullable(),
  speed: z.number().nullable(),
  pitch: z.number().nullable(),
  locale: z.string().nullable(),
  /** Settings taken from the user's preferences, and the document they come from. */
  fromPreferences: z.array(z.enum(["speed", "locale"])),
  preferencesAssetId: z.string().nullable(),
});
export type VoiceUsed = z.infer<typeof voiceUsedSchema>;

/**
 * The voice of a recorded-voice video; also what a project written before voice
 * sources existed was spoken with.
 */
export const RECORDED_VOICE: VoiceUsed = {
  source: "recorded",
  voiceId: null,
  voiceIdFrom: null,
  speed: null,
  pitch: null,
  locale: null,
  fromPreferences: [],
  preferencesAssetId: null,
};

export const projectSchema = z.object({
  userId: z.string(),
  name: z.string().default(""),
  voiceUrl: z.string().optional(),
  avatarUrl: z.string().optional(),
  heygenVideoId: z.string().nullish(),
  heygenStatus: z.string().nullish(),
  heygenApiVersion: z.enum(["v2", "v3"]).nullish(),
  videoUrl: z.string().nullish(),
  videoUrlExpiresAt: ts.nullish(),
  thumbnailUrl: z.string().nullish(),
  durationSeconds: z.number().nullish(),
  error: z.object({ code: z.string().nullish(), message: z.string() }).nullish(),
  fallbackAvatarUsed: z.boolean().nullish(),
  /** The voice of the current video; a script is kept only as its sha256 (it can be personal). */
  voice: voiceUsedSchema.extend({ scriptSha256: z.string().nullable() }).nullish(),
  archivedVideoPath: z.string().nullish(),
  heygenSubmittedAt: ts.nullish(),
  heygenCheckedAt: ts.nullish(),
  archiveState: z.enum(["pending", "running", "done", "failed", "purged"]).nullish(),
  archiveAttempts: z.number().int().nullish(),
  archiveNextAttemptAt: ts.nullish(),
  archiveError: z.string().nullish(),
  /** Poller back-off after failed HeyGen reads (services/heygen/read-failures.ts). */
  pollFailures: z.number().int().nullish(),
  pollAuthFailures: z.number().int().nullish(),
  pollNextAttemptAt: ts.nullish(),
  generation: z
    .object({
      state: z.enum(["submitting", "submitted", "failed"]),
      attempt: z.number().int(),
      leaseExpiresAt: z.number().nullish(),
    })
    .nullish(),
  updatedAt: ts.nullish(),
});
export type Project = z.infer<typeof projectSchema>;

export const projectRef = (db: Firestore, id: string): DocumentReference =>
  db.collection("projects").doc(id);

function parseOwned(data: unknown, uid: string, id: string): Project {
  const parsed = projectSchema.safeParse(data);
  if (!data || !parsed.success || parsed.data.userId !== uid) throw notFound(`Project ${id}`);
  return parsed.data;
}

export async function getOwnedProject(db: Firestore, id: string, uid: string): Promise<Project> {
  return parseOwned((await projectRef(db, id).get()).data(), uid, id);
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

export type GenerationClaim =
  | { kind: "existing"; result: SubmittedVideo }
  | { kind: "in-progress" }
  | { kind: "claimed"; attempt: number; project: Project };

/**
 * Claims the right to create a video for this project. A video in flight is returned
 * as is; a running claim makes the caller wait. A claim whose lease expired (the
 * function died mid-create) keeps its attempt number, so v3's Idempotency-Key replays
 * the create that may have happened instead of billing a second one.
 */
export async function claimGeneration(
  db: Firestore,
  id: string,
  uid: string,
  nowMs: number,
  leaseMs: number,
): Promise<GenerationClaim> {
  const ref = projectRef(db, id);
  return db.runTransaction(async (tx) => {
    const p = parseOwned((await tx.get(ref)).data(), uid, id);
    if (p.heygenVideoId && p.heygenStatus && !isTerminalVideoStatus(p.heygenStatus)) {
      return { kind: "existing", result: submittedVideo(p, p.heygenVideoId) };
    }
    const g = p.generation;
    if (g?.state === "submitting" && (g.leaseExpiresAt ?? 0) > nowMs)
      return { kind: "in-progress" };
    const attempt = g?.state === "submitting" ? g.attempt : (g?.attempt ?? 0) + 1;
    tx.update(ref, {
      generation: { state: "submitting", attempt, leaseExpiresAt: nowMs + leaseMs },
    });
    return { kind: "claimed", attempt, project: p };
  });
}

export async function recordSubmitted(
  db: Firestore,
  id: string,
  fields: {
    videoId: string;
    attempt: number;
    fallbackAvatarUsed: boolean;
    voice: VoiceUsed;
    scriptSha256: string | null;
    apiVersion: "v2" | "v3";
    now: Date;
  },
): Promise<void> {
  await projectRef(db, id).update({
    heygenVideoId: fields.videoId,
    voice: { ...fields.voice, scriptSha256: fields.scriptSha256 },
    heygenStatus: "pending",
    heygenApiVersion: fields.apiVersion,
    heygenSubmittedAt: fields.now,
    fallbackAvatarUsed: fields.fallbackAvatarUsed,
    videoUrl: null,
    videoUrlExpiresAt: null,
    thumbnailUrl: null,
    durationSeconds: null,
    archivedVideoPath: null,
    archiveState: null,
    archiveAttempts: 0,
    archiveNextAttemptAt: null,
    archiveError: null,
    error: null,
    generation: { state: "submitted", attempt: fields.attempt, leaseExpiresAt: null },
    updatedAt: fields.now,
  });
}

/** The failure stays visible on the project until the next successful generate. */
export async function recordGenerateFailure(
  db: Firestore,
  id: string,
  fields: { attempt: number; error: ApiError; now: Date },
): Promise<void> {
  await projectRef(db, id).update({
    generation: { state: "failed", attempt: fields.attempt, leaseExpiresAt: null },
    error: { code: fields.error.code, message: fields.error.message },
    updatedAt: fields.now,
  });
}

/** Waits for a concurrent generate of the same project to publish its video id. */
export async function waitForVideoId(
  db: Firestore,
  id: string,
  uid: string,
  timeoutMs: number,
): Promise<SubmittedVideo | null> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 200; Date.now() < deadline; delay = Math.min(delay * 1.5, 2000)) {
    await new Promise((r) => setTimeout(r, delay));
    const p = await getOwnedProject(db, id, uid);
    if (p.generation?.state === "submitted" && p.heygenVideoId) {
      return submittedVideo(p, p.heygenVideoId);
    }
    if (p.generation?.state === "failed") {
      throw new ApiError(
        "CONFLICT",
        p.error?.message ?? "The other generate request for this project failed.",
      );
    }
  }
  return null;
}
