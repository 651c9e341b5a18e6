/**
 * projects/{projectId}: the complete schema and the typed collection. The client creates
 * `{userId, name, voiceUrl?, avatarUrl?}`; the server writes everything else.
 *
 * Three machines keep their state in sub-objects of the one job shape (job-shape.ts),
 * each written only through leasedTransition by its store module: `generation`
 * (project-generation.ts), `video` (project-video.ts) and `archive` (project-archive.ts).
 * The design's top-level fields stay where clients read them, as mirrors written by the
 * same transitions: `heygenStatus` (HeyGen's own word for `video.state`), `step` (what a
 * person sees, project-step.ts), `error` (the failure a person sees), `archivedVideoPath`
 * (the archive's copy), `heygenVideoId`, the video's URL, expiry, thumbnail, duration,
 * `fallbackAvatarUsed`, `voice` and `updatedAt`.
 */
import type { DocumentReference, Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { ownedOrNotFound } from "./ownership";
import { jobErrorSchema, jobShapeSchema, timestampSchema } from "./job-shape";
import { zodConverter } from "./typed";

export const GENERATION_STATES = [
  "none",
  "submitting",
  "preparing",
  "submitted",
  "failed",
] as const;
export type GenerationState = (typeof GENERATION_STATES)[number];

export const VIDEO_STATES = [
  "none",
  "pending",
  "processing",
  "completed",
  "failed",
  "cancelled",
] as const;
export type VideoState = (typeof VIDEO_STATES)[number];

export const ARCHIVE_STATES = ["none", "pending", "running", "done", "failed", "purged"] as const;
export type ArchiveState = (typeof ARCHIVE_STATES)[number];

/** The step a person sees, written by every transition (project-step.ts). */
export const PROJECT_STEPS = ["preparing", "rendering", "saving", "done", "failed"] as const;
export type ProjectStep = (typeof PROJECT_STEPS)[number];

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

/** The voice of a recorded-voice video. */
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

/**
 * The generation: `generate` claims the right to create a video under a lease, then
 * records the video or the failure. attempts: the number of the current attempt (a
 * take-over, or a retry after an ambiguous create, keeps it: v3's Idempotency-Key and
 * v2's title marker name it). nextAttemptAt: while deferred, when the scheduled
 * take-over may run it.
 */
export const generationRunSchema = jobShapeSchema(GENERATION_STATES).extend({
  /** The failed attempt's create may have reached HeyGen: the next claim keeps the attempt. */
  reuseAttempt: z.boolean().default(false),
  /** A generate waiting for its look in the background: its request and reserved video. */
  deferred: z
    .object({
      /** The validated generate request, without undefined values. */
      request: z.record(z.string(), z.unknown()),
      /** The day window of the video reserved from the quota, given back if it fails. */
      quotaWindow: z.string(),
      /** When generate deferred it: the background run's deadline counts from here. */
      at: timestampSchema,
    })
    .nullable()
    .default(null),
});

/**
 * The video at HeyGen. attempts: HeyGen reads of it that failed in a row (the poll
 * back-off); nextAttemptAt: no poll before it (null: at every poll).
 */
export const videoRunSchema = jobShapeSchema(VIDEO_STATES).extend({
  /** Refusals (401/403) in a row: the second one ends the video. */
  authFailures: z.number().int().default(0),
  /** The API the video was created with: it is read with the same one. */
  apiVersion: z.enum(["v2", "v3"]),
  submittedAt: timestampSchema,
  /** When HeyGen was last asked: video_status answers from the project while fresh. */
  checkedAt: timestampSchema.nullable().default(null),
});

/**
 * The copy of a completed video in Storage (`archivedVideoPath`). attempts: archival
 * runs; nextAttemptAt: when it is due (a retry; while running, the lease's end).
 */
export const archiveRunSchema = jobShapeSchema(ARCHIVE_STATES).extend({
  archivedAt: timestampSchema.nullable().default(null),
  /** Retention: the copy is purged after this (purge_expired_media). */
  retainUntil: timestampSchema.nullable().default(null),
  purgedAt: timestampSchema.nullable().default(null),
});

export const captionsSourceSchema = z.enum(["script", "transcript", "none"]);

/**
 * The WebVTT captions of the current video, written when the video is archived
 * (services/captions/write-captions.ts) next to its copy in Storage.
 */
export const captionsSchema = z.object({
  source: captionsSourceSchema,
  /** A script's words until its captions are written (then null: the captions hold them). */
  script: z.string().nullable().default(null),
  /** The captions in Storage (`videos/{uid}/{projectId}.vtt`); null until written. */
  path: z.string().nullable().default(null),
  /** Why the captions could not be made (no speech heard, the analysis failed). */
  error: z.string().nullable().default(null),
});
export type Captions = z.infer<typeof captionsSchema>;
export type CaptionsSource = z.infer<typeof captionsSourceSchema>;

/** The captions a new video will get: their source and words (null: none). */
export interface CaptionsPlan {
  source: CaptionsSource;
  text: string | null;
}

/** projects/{projectId}. */
export const projectSchema = z.object({
  userId: z.string(),
  name: z.string().default(""),
  voiceUrl: z.string().optional(),
  avatarUrl: z.string().optional(),
  heygenVideoId: z.string().nullish(),
  /** Mirror: HeyGen's own word for the video's state (`waiting`, `pending`, …). */
  heygenStatus: z.string().nullish(),
  /** Mirror: the step a person sees. */
  step: z.enum(PROJECT_STEPS).nullish(),
  videoUrl: z.string().nullish(),
  videoUrlExpiresAt: timestampSchema.nullish(),
  /** When the poller reads the completed video again to renew its URL (store/url-refresh.ts). */
  urlRefreshAt: timestampSchema.nullish(),
  thumbnailUrl: z.string().nullish(),
  durationSeconds: z.number().nullish(),
  /** Mirror: the failure a person sees (the generation's or the video's), null otherwise. */
  error: jobErrorSchema.extend({ code: z.string().nullish() }).nullish(),
  fallbackAvatarUsed: z.boolean().nullish(),
  /** The voice of the current video; a script is kept only as its sha256 (it can be personal). */
  voice: voiceUsedSchema.extend({ scriptSha256: z.string().nullable() }).nullish(),
  /** What the user typed the recording says (their video's captions); null for a script. */
  transcript: z.string().nullish(),
  captions: captionsSchema.nullish(),
  /** Mirror: the archive's copy of the current video. */
  archivedVideoPath: z.string().nullish(),
  /** Set once the video was deleted at HeyGen (or is known not deletable there). */
  heygenVideoDeletedAt: timestampSchema.nullish(),
  updatedAt: timestampSchema.nullish(),
  generation: generationRunSchema.nullish(),
  video: videoRunSchema.nullish(),
  archive: archiveRunSchema.nullish(),
});
export type Project = z.infer<typeof projectSchema>;

export const generationState = (p: Pick<Project, "generation">): GenerationState =>
  p.generation?.state ?? "none";
export const videoState = (p: Pick<Project, "video">): VideoState => p.video?.state ?? "none";
export const archiveState = (p: Pick<Project, "archive">): ArchiveState =>
  p.archive?.state ?? "none";

export const projectsCollection = (db: Firestore) =>
  db.collection("projects").withConverter(zodConverter(projectSchema));

export const projectRef = (db: Firestore, id: string): DocumentReference<Project> =>
  projectsCollection(db).doc(id);

/** The project, or null when it is missing or not of this shape. */
export async function getProject(db: Firestore, id: string): Promise<Project | null> {
  try {
    return (await projectRef(db, id).get()).data() ?? null;
  } catch {
    return null;
  }
}

/** The caller's project; 404 for anyone else's (or none). */
export async function getOwnedProject(db: Firestore, id: string, uid: string): Promise<Project> {
  return ownedOrNotFound(await getProject(db, id), (p) => p.userId, uid, `Project ${id}`);
}

/** A project as a trigger's event carries it (not read through the converter). */
export function parseProject(data: unknown): Project | null {
  const parsed = projectSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}
