/**
 * projects/{projectId}: the complete schema. The client creates
 * `{userId, name, voiceUrl?, avatarUrl?}`; the server writes everything else, and the
 * status fields only through the three lifecycles of a project (docs/lifecycles.md):
 * project-generation.ts (`generation`), project-video.ts (`heygenStatus` and the poll
 * back-off) and project-archive.ts (`archive*`). Each appends to `history`.
 */
import type { DocumentReference, Firestore, Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import { notFound } from "../errors";
import { historySchema } from "./state-machine";

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
  /** The token of the running archival's lease (project-archive.ts); null when none runs. */
  archiveLeaseToken: z.string().nullish(),
  archivedAt: ts.nullish(),
  /** Retention of the archived copy (purge_expired_media). */
  archiveRetainUntil: ts.nullish(),
  archivePurgedAt: ts.nullish(),
  /** Set once the video was deleted at HeyGen (or is known not deletable there). */
  heygenVideoDeletedAt: ts.nullish(),
  /** Poller back-off after failed HeyGen reads (services/heygen/read-failures.ts). */
  pollFailures: z.number().int().nullish(),
  pollAuthFailures: z.number().int().nullish(),
  pollNextAttemptAt: ts.nullish(),
  generation: z
    .object({
      state: z.enum(["submitting", "preparing", "submitted", "failed"]),
      attempt: z.number().int(),
      leaseExpiresAt: z.number().nullish(),
      /** The token of the running claim: markSubmitted/failSubmit must present it. */
      leaseToken: z.string().nullish(),
      /**
       * The failed attempt's create may have reached HeyGen (5xx, timeout, dropped
       * connection): the next claim keeps its attempt, so v3's Idempotency-Key replays it.
       */
      reuseAttempt: z.boolean().nullish(),
      /** A generate waiting for its look in the background (project-generation.ts). */
      deferred: z
        .object({
          request: z.record(z.string(), z.unknown()),
          quotaWindow: z.string(),
          at: z.number(),
          resumeAt: z.number(),
        })
        .nullish(),
    })
    .nullish(),
  updatedAt: ts.nullish(),
  /** The last states of the three lifecycles, `{machine, state, at}`, oldest first. */
  history: historySchema,
});
export type Project = z.infer<typeof projectSchema>;

export const projectRef = (db: Firestore, id: string): DocumentReference =>
  db.collection("projects").doc(id);

export function parseOwned(data: unknown, uid: string, id: string): Project {
  const parsed = projectSchema.safeParse(data);
  if (!data || !parsed.success || parsed.data.userId !== uid) throw notFound(`Project ${id}`);
  return parsed.data;
}

export async function getOwnedProject(db: Firestore, id: string, uid: string): Promise<Project> {
  return parseOwned((await projectRef(db, id).get()).data(), uid, id);
}

/** Records that the project's video was deleted at HeyGen (or is not deletable there). */
export async function markVideoDeleted(db: Firestore, id: string, now: Date): Promise<void> {
  await projectRef(db, id)
    .update({ heygenVideoDeletedAt: now })
    .catch(() => undefined); // the project may be gone already
}
