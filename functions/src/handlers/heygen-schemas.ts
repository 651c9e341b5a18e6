/**
 * Request and response schemas of the HeyGen endpoints (requests validated at the
 * edge, responses checked by the router; both the OpenAPI source).
 * `generateBody` is the one schema of `generate`, over HTTPS and as a callable.
 */
import { z } from "zod";
import {
  PITCH_RANGE,
  SCRIPT_MAX_CHARS,
  SPEED_RANGE,
  scriptChars,
} from "../services/heygen/speech-limits";
import {
  hasControlCharacters,
  TRANSCRIPT_MAX_CHARS,
  transcriptChars,
} from "../services/captions/captions-source";
import { captionsSourceSchema, voiceUsedSchema } from "../store/projects";
import { removalReportSchema } from "./me-schemas";

const dimension = z
  .number()
  .int()
  .min(128)
  .max(4096)
  .refine((n) => n % 2 === 0, { message: "must be even" });

const script = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .refine((s) => scriptChars(s) <= SCRIPT_MAX_CHARS, {
    message: `must be at most ${SCRIPT_MAX_CHARS} characters`,
  })
  .meta({ description: `Text the avatar speaks (trimmed; 1–${SCRIPT_MAX_CHARS} characters)` });

const transcript = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .refine((s) => transcriptChars(s) <= TRANSCRIPT_MAX_CHARS, {
    message: `must be at most ${TRANSCRIPT_MAX_CHARS} characters`,
  })
  .refine((s) => !hasControlCharacters(s), {
    message: "must not contain control characters (line breaks and tabs are fine)",
  })
  .meta({
    description: `What the recording says, typed by the user: the video's captions (trimmed; 1–${TRANSCRIPT_MAX_CHARS} characters). Without it a recorded video has no captions.`,
  });

export const voiceSettingsSchema = z
  .object({
    speed: z.number().min(SPEED_RANGE.min).max(SPEED_RANGE.max).optional(),
    pitch: z.number().min(PITCH_RANGE.min).max(PITCH_RANGE.max).optional(),
    locale: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a locale like en-US")
      .optional()
      .meta({ description: "Accent of a multilingual voice; only for voices that support it" }),
  })
  .strict();

const generateFields = z
  .object({
    projectId: z.string().min(1).max(200),
    voiceUrl: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .meta({ description: "The recorded voice (Storage path or URL under users/{uid}/)" }),
    script: script.optional(),
    voiceId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: "A voice of GET /api/heygen/voices (script only)" }),
    voiceSettings: voiceSettingsSchema.optional(),
    transcript: transcript.optional(),
    userAvatarUrl: z.string().min(1).max(2048).optional(),
    heygenAvatarId: z.string().min(1).max(200).nullable().optional().meta({
      description:
        "A public avatar or one of the caller's looks; null or absent: the photo, else the fallback",
    }),
    width: dimension.optional(),
    height: dimension.optional(),
    avatarStyle: z.enum(["normal", "closeUp", "circle"]).optional(),
  })
  .strict();

/**
 * Exactly one voice source: the recorded voice (`voiceUrl`, or the project's) or a
 * `script` with an optional `voiceId` and `voiceSettings`; a `transcript` only with a
 * recorded voice.
 */
export const generateBody = generateFields.superRefine((b, ctx) => {
  if (b.voiceUrl !== undefined && b.script !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["script"],
      message: "send either voiceUrl (a recorded voice) or script (text to speak), not both",
    });
  }
  if (b.script !== undefined && b.transcript !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["transcript"],
      message: "is only used with a recorded voice (a script is its own transcript)",
    });
  }
  if (b.script === undefined) {
    for (const field of ["voiceId", "voiceSettings"] as const) {
      if (b[field] !== undefined)
        ctx.addIssue({ code: "custom", path: [field], message: "is only used with script" });
    }
  }
});

export type GenerateRequest = z.output<typeof generateBody>;

/** The two request shapes, for the OpenAPI document (validation uses `generateBody`). */
export const generateRecordedShape = generateFields.omit({
  script: true,
  voiceId: true,
  voiceSettings: true,
});
export const generateScriptShape = generateFields
  .omit({ voiceUrl: true, transcript: true })
  .extend({ script: script });

export const videoStatusQuery = z.object({ video_id: z.string().min(1).max(200) });

export const voicesQuery = z
  .object({
    language: z
      .string()
      .min(1)
      .max(50)
      .optional()
      .meta({ description: "Voice language as listed (e.g. English), case-insensitive" }),
    gender: z.string().min(1).max(20).optional().meta({ description: "female or male" }),
  })
  .strict();

// --- Responses (checked by the router before they are sent; the OpenAPI source) ----

/** 200 of generate: the video and the voice it is spoken with. */
export const generateResponse = z.object({
  videoId: z.string(),
  fallbackAvatarUsed: z.boolean(),
  voice: voiceUsedSchema,
});

/** 202 of generate: the new look is still being prepared; the video follows in the background. */
export const generatePreparingResponse = z.object({
  status: z.literal("preparing"),
  projectId: z.string(),
  videoId: z.null(),
  message: z.string(),
});

/** 200 of video_status: the caller's video, normalised. */
export const videoStatusResponse = z.object({
  videoId: z.string(),
  projectId: z.string(),
  status: z.enum(["pending", "processing", "completed", "failed", "cancelled"]),
  heygenStatus: z.string(),
  videoUrl: z.string().nullable(),
  videoUrlExpiresAt: z.string().nullable(),
  thumbnailUrl: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  error: z
    .object({ code: z.string().nullish(), message: z.string() })
    .nullable()
    .meta({ description: "Why the video failed or was cancelled (code absent on old projects)" }),
  fallbackAvatarUsed: z.boolean(),
  archivedVideoUrl: z
    .string()
    .nullable()
    .meta({ description: "Signed URL (1 h) of the archived MP4, once archived" }),
  archivedVideoUrlExpiresIn: z.number().nullable(),
  archiveState: z.string().nullable(),
  captionsUrl: z.string().nullable().meta({
    description:
      "Signed URL (1 h) of the video's WebVTT captions, once the archived video has them",
  }),
  captionsSource: captionsSourceSchema.nullable().meta({
    description:
      "What the captions are made of: the script, the typed transcript, or none (a recording without a transcript)",
  }),
});

export const avatarsResponse = z.object({
  avatars: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      type: z.enum(["avatar", "talking_photo"]),
      previewImageUrl: z.string().nullable(),
      gender: z.string().nullable(),
      defaultVoiceId: z.string().nullable().optional(),
    }),
  ),
});

export const voicesResponse = z.object({
  voices: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      language: z.string().nullable(),
      gender: z.string().nullable(),
      previewAudioUrl: z.string().nullable(),
      supportLocale: z.boolean().optional(),
    }),
  ),
});

/** 200 of the webhook: handled, ignored or a duplicate delivery. */
export const webhookResponse = z.object({
  received: z.literal(true),
  handled: z.boolean(),
  reason: z.string().optional(),
  status: z.string().optional(),
  duplicate: z.boolean().optional(),
});

/** 200 of DELETE /api/projects/{projectId}. */
export const deleteProjectResponse = z.object({
  projectId: z.string(),
  removed: removalReportSchema,
});
