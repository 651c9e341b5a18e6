/** Request and response schemas of the photoreal operations (the OpenAPI source). */
import { z } from "zod";
import { jobOptionsSchema } from "../store/avatar-jobs";
import { VISEME_MIXES } from "../services/avatar/blendshapes";

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
  "en-IN",
  "ar-SA",
] as const;

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #a1b2c3");
const unit = z.number().min(0).max(1);
const accessory = z.union([
  z.boolean(),
  z
    .string()
    .regex(
      /^[#A-Za-z0-9][A-Za-z0-9 _#-]{0,39}$/,
      "must be true/false or a style or colour of 1–40 letters, digits, spaces, - or #",
    ),
]);

/** Body types a 3D avatar can be made with (Avatar SDK's `pipeline_subtype`). */
export const BODY_TYPES = ["female", "male"] as const;

/** Seed language names accepted for `voice.language`, stored as the locale they stand for. */
export const LANGUAGE_ALIASES = { hinglish: "en-IN" } as const satisfies Record<
  string,
  (typeof LANGUAGES)[number]
>;

/**
 * Pitch and speed as the seed writes them (`"pitch": 0.1, "speed": -0.05`): relative
 * offsets from the voice's natural pitch and speed, 0 natural, 0.1 = 10 % higher or
 * faster, -0.05 = 5 % lower or slower. From -0.5 (half) to 1 (double): an octave down
 * or up for the pitch, half or double the rate for the speed; below -0.5 a voice is
 * no longer intelligible, and -1 would be silence.
 */
export const VOICE_OFFSET_RANGE = { min: -0.5, max: 1 } as const;

const voiceOffset = (what: "pitch" | "speed", example: string) =>
  z
    .number()
    .min(VOICE_OFFSET_RANGE.min, `must be a relative offset from -0.5 to 1 (${example})`)
    .max(VOICE_OFFSET_RANGE.max, `must be a relative offset from -0.5 to 1 (${example})`)
    .meta({ description: `Relative ${what}: 0 natural, ${example}; -0.5 to 1` });

export const appearanceSchema = z
  .object({
    skinTone: hexColor.optional(),
    hairColor: hexColor.optional(),
    eyeColor: hexColor.optional(),
    lipColor: hexColor.optional(),
    outfitColor: hexColor.optional(),
    background: hexColor.optional(),
    glasses: z.boolean().optional(),
    /** The seed's accessories: worn or not, or a short style/colour ("jhumka", "#b22222"). */
    bindi: accessory.optional(),
    earrings: accessory.optional(),
    /** Body type of the 3D avatar (Avatar SDK's subtype) when a job does not name one. */
    bodyType: z.enum(BODY_TYPES).optional(),
  })
  .strict();

export const voiceSchema = z
  .object({
    pitch: voiceOffset("pitch", "0.1 is 10 % higher").default(0),
    speed: voiceOffset("speed", "-0.05 is 5 % slower").default(0),
    /** A locale, or a seed language name (`hinglish` → `en-IN`). */
    language: z
      .enum([...LANGUAGES, "hinglish"])
      .transform((l) => (l === "hinglish" ? LANGUAGE_ALIASES.hinglish : l)),
    voiceId: z.string().min(1).max(200).optional(),
  })
  .strict();

/** Persona traits scored 0..1. */
export const PERSONA_TRAITS = ["warmth", "energy", "humor", "formality", "curiosity"] as const;

const traitScores = Object.fromEntries(PERSONA_TRAITS.map((t) => [t, unit.optional()])) as Record<
  (typeof PERSONA_TRAITS)[number],
  z.ZodOptional<typeof unit>
>;

/**
 * The seed's persona (`{"warmth": 0.8, "humor": 0.4, "formality": 0.3}`: scores 0..1 at
 * the top level), with a name and a bio; or the scores under `traits`, or `traits` as a
 * flat list of words. A score given both ways is refused (which one counts would be a guess).
 */
export const personaSchema = z
  .object({
    name: z.string().min(1).max(60).optional(),
    bio: z.string().max(500).optional(),
    ...traitScores,
    traits: z
      .union([
        z.object(traitScores).strict(),
        z
          .array(z.string().trim().min(1).max(40))
          .max(20)
          .refine((l) => new Set(l.map((t) => t.toLowerCase())).size === l.length, {
            message: "must not repeat a trait",
          }),
      ])
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!p.traits || Array.isArray(p.traits)) return;
    for (const trait of PERSONA_TRAITS) {
      if (p[trait] !== undefined && p.traits[trait] !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["traits", trait],
          message: `${trait} is given twice: at the top level of persona (as the seed writes it) and in persona.traits; send it once`,
        });
    }
  });

export const preferencesBody = z
  .object({
    assetId: z.string().min(1).max(200),
    appearance: appearanceSchema.default({}),
    voice: voiceSchema,
    persona: personaSchema.default({}),
  })
  .strict();

export const preferencesQuery = z.object({ assetId: z.string().min(1).max(200) }).strict();

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The selfie job's input. Over HTTPS it is sent as multipart/form-data (the part `file`
 * and the JSON field `options`) and read into this shape; a callable sends it as is,
 * with the selfie's bytes in base64.
 */
export const selfieJobInput = z
  .object({
    file: z
      .object({
        data: z
          .string()
          .regex(BASE64, "must be the selfie's bytes in base64")
          .transform((b64) => Buffer.from(b64, "base64"))
          .meta({ description: "The selfie's bytes in base64: a JPEG or PNG of at most 10 MB" }),
        contentType: z
          .string()
          .max(100)
          .optional()
          .meta({ description: "As declared; the bytes decide" }),
        filename: z.string().max(255).optional(),
      })
      .strict()
      .meta({ description: "JPEG or PNG, at most 10 MB" }),
    options: jobOptionsSchema.optional(),
  })
  .strict();

export const jobIdInput = z.object({ jobId: z.string().min(1).max(200) }).strict();

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

/** Query of GET /avatar/assets/{assetId}: which ARKit mixes the viseme groups are served in. */
export const assetQuery = z.object({
  visemeMix: z.enum(VISEME_MIXES).default("seed").meta({
    description:
      "`seed` (default): the seed's viseme map as written (`mouthSmile` as both sides); `talkinghead`: richer ARKit mixes",
  }),
});

/** avatar_asset's input: the asset (a path parameter over HTTPS) and the viseme mix. */
export const assetInput = z
  .object({ assetId: z.string().min(1).max(200) })
  .extend(assetQuery.shape)
  .strict();

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
  visemeMix: z.enum(VISEME_MIXES).meta({ description: "The mix `visemes` is served in" }),
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
