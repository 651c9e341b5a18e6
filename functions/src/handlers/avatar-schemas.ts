/** Request schemas of the photoreal endpoints (validated at the edge; the OpenAPI source). */
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
