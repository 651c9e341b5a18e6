/** Request and response schemas of the photoreal endpoints (the OpenAPI source). */
import { z } from "zod";

export const LANGUAGES = [
  "en-US",
  "en-GB",
  "de-DE",
  "fr-FR",
  "es-ES",
  "es-MX",
  "it-IT",
  "pt-BR",
  "pt-PT",
  "nl-NL",
  "pl-PL",
  "sv-SE",
  "tr-TR",
  "ru-RU",
  "ja-JP",
  "ko-KR",
  "zh-CN",
  "hi-IN",
  "ar-SA",
] as const;

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #a1b2c3");
const unit = z.number().min(0).max(1);

export const appearanceSchema = z
  .object({
    skinTone: hexColor.optional(),
    hairColor: hexColor.optional(),
    eyeColor: hexColor.optional(),
    lipColor: hexColor.optional(),
    outfitColor: hexColor.optional(),
    background: hexColor.optional(),
    glasses: z.boolean().optional(),
  })
  .strict();

export const voiceSchema = z
  .object({
    /** Semitones relative to the voice's natural pitch. */
    pitch: z.number().min(-12).max(12).default(0),
    /** Playback rate; 1 is natural speed. */
    speed: z.number().min(0.5).max(2).default(1),
    language: z.enum(LANGUAGES),
    voiceId: z.string().min(1).max(200).optional(),
  })
  .strict();

export const personaSchema = z
  .object({
    name: z.string().min(1).max(60).optional(),
    bio: z.string().max(500).optional(),
    traits: z
      .object({ warmth: unit, energy: unit, humor: unit, formality: unit, curiosity: unit })
      .partial()
      .strict()
      .default({}),
  })
  .strict();

export const preferencesBody = z
  .object({
    assetId: z.string().min(1).max(200),
    appearance: appearanceSchema.default({}),
    voice: voiceSchema,
    persona: personaSchema.default({ traits: {} }),
  })
  .strict();

export const preferencesQuery = z.object({ assetId: z.string().min(1).max(200) });

// --- Responses (checked by the router before they are sent; the OpenAPI source) ----

/** 202 of POST /avatar/jobs. */
export const jobCreatedResponse = z.object({ jobId: z.string() });

/** 200 of GET /avatar/jobs/{jobId}. */
export const jobStatusResponse = z.object({
  status: z.enum(["queued", "processing", "done", "error", "cancelled"]),
  progress: z.number(),
  assetId: z.string().optional(),
  error: z.string().optional(),
  action: z
    .object({ type: z.string(), url: z.string(), message: z.string() })
    .optional()
    .meta({ description: "What the user must do next for the provider (in3D's scan page)" }),
});

const visemeGroup = z.object({
  arkit: z.record(z.string(), z.number()),
  morphs: z.record(z.string(), z.number()),
  nativeViseme: z.string().nullable(),
});

/** 200 of GET /avatar/assets/{assetId}. */
export const assetResponse = z.object({
  url: z.string().meta({ description: "V4 signed URL of the GLB" }),
  expiresIn: z.number().int().meta({ description: "Seconds the URL is valid (3600)" }),
  blendshapeMap: z.object({
    arkit: z
      .record(z.string(), z.string())
      .meta({ description: "ARKit name → the asset's morph (or pose) name" }),
    visemes: z
      .record(z.string(), z.string())
      .meta({ description: "Viseme code → the asset's morph (or pose) name" }),
    missing: z.object({ arkit: z.array(z.string()), visemes: z.array(z.string()) }),
    unmapped: z.array(z.string()).meta({ description: "Morph names that map to nothing known" }),
  }),
  visemes: z.record(z.string(), visemeGroup),
});

/** 200 of POST /avatar/preferences. */
export const preferencesSavedResponse = z.object({ ok: z.literal(true) });

/** 200 of GET /avatar/preferences. */
export const preferencesResponse = z.object({
  assetId: z.string(),
  appearance: z.record(z.string(), z.unknown()),
  voice: z.record(z.string(), z.unknown()).nullable(),
  persona: z.record(z.string(), z.unknown()),
  updatedAt: z.string().nullable(),
});
