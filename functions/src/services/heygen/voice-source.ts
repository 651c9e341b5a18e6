/**
 * The voice of a `generate`: exactly one source, decided first and kept as a plain value
 * (`recorded` | `tts`) that later checks (consent, quotas) can branch on.
 *
 * - `recorded`: the user's recording (`voiceUrl`, else the project's), converted to MP3
 *   and uploaded to HeyGen as an asset, or (HEYGEN_AUDIO_SOURCE=url) kept in our bucket
 *   and given to HeyGen as a signed `audio_url` it downloads: one HeyGen call less.
 * - `tts`: a script spoken by a HeyGen voice. The voice must be in the cached listing;
 *   on v3 it may be left out to use the look's default voice (HeyGen's v3 Create Video; the v2
 *   body requires `voice_id`). Speed and locale left out of the request come from the
 *   user's voice preferences (their most recently updated `preferences` document, its
 *   relative speed as a rate); the preference pitch is a relative offset of the voice's
 *   frequency, and HeyGen does not document what its own pitch numbers mean, so it is
 *   not translated into one.
 */
import { createHash } from "node:crypto";
import type { AppContext } from "../../context";
import type { TextVoice } from "../../clients/heygen";
import { getBucket, signedReadUrl } from "../../clients/storage/bucket";
import type { LocalMedia } from "../media/prepare";
import { ApiError } from "../../errors";
import { SPEED_RANGE } from "./speech-limits";
import { latestVoicePreferences, type VoicePreferences } from "../../store/preferences";
import { RECORDED_VOICE, type Project, type VoiceUsed } from "../../store/projects";
import { cachedVoices, type CachedVoice } from "./listings";

export type VoiceSource = "recorded" | "tts";

/** The voice fields of a generate request (validated by `generateBody`). */
export interface VoiceRequest {
  voiceUrl?: string;
  script?: string;
  voiceId?: string;
  voiceSettings?: { speed?: number; pitch?: number; locale?: string };
}

export type VoiceChoice =
  | { source: "recorded"; voiceUrl: string }
  | {
      source: "tts";
      script: string;
      voiceId?: string;
      settings: { speed?: number; pitch?: number; locale?: string };
    };

export { RECORDED_VOICE, type VoiceUsed };

const invalid = (field: string, message: string) =>
  new ApiError("INVALID_REQUEST", `${field}: ${message}`, {
    details: [{ path: field, message, code: "custom" }],
  });

/** Exactly one voice source (the schema already refused both in one request). */
export function chooseVoiceSource(input: VoiceRequest, project: Project): VoiceChoice {
  if (input.script !== undefined) {
    return {
      source: "tts",
      script: input.script,
      voiceId: input.voiceId,
      settings: input.voiceSettings ?? {},
    };
  }
  const voiceUrl = input.voiceUrl ?? project.voiceUrl;
  if (!voiceUrl) {
    throw new ApiError(
      "INVALID_REQUEST",
      "No voice: send voiceUrl (a recorded voice) or script (text to speak), or record a voice on the project first.",
      {
        details: [
          { path: "voiceUrl", message: "missing", code: "custom" },
          { path: "script", message: "missing", code: "custom" },
        ],
      },
    );
  }
  return { source: "recorded", voiceUrl };
}

/** A tts voice checked before any paid HeyGen work; the default voice is settled later. */
export interface CheckedTts {
  script: string;
  voice: CachedVoice | null;
  settings: { speed?: number; pitch?: number; locale?: string };
  prefs: VoicePreferences | null;
}

export async function checkTtsVoice(
  app: AppContext,
  uid: string,
  choice: Extract<VoiceChoice, { source: "tts" }>,
): Promise<CheckedTts> {
  let voice: CachedVoice | null = null;
  if (choice.voiceId) {
    voice = (await cachedVoices(app)).find((v) => v.id === choice.voiceId) ?? null;
    if (!voice)
      throw invalid(
        "voiceId",
        `${choice.voiceId} is not a HeyGen voice; pick one from GET /api/heygen/voices.`,
      );
  } else if (app.config.heygen.apiVersion === "v2") {
    throw invalid(
      "voiceId",
      "is required with a script on this HeyGen API version; pick one from GET /api/heygen/voices.",
    );
  }
  if (choice.settings.locale && !voice?.supportLocale) {
    throw invalid(
      "voiceSettings.locale",
      voice
        ? `voice ${voice.id} does not support a locale.`
        : "needs a voiceId whose voice supports a locale.",
    );
  }
  const prefs = await latestVoicePreferences(app.db, uid);
  return { script: choice.script, voice, settings: choice.settings, prefs };
}

const clamp = (n: number, r: { min: number; max: number }) => Math.min(r.max, Math.max(r.min, n));

/** Whether the voice spoken with (the requested one, or the look's known default) takes a locale. */
async function supportsLocale(
  app: AppContext,
  tts: CheckedTts,
  lookDefaultVoiceId: string | null,
): Promise<boolean> {
  if (tts.voice) return tts.voice.supportLocale === true;
  if (!lookDefaultVoiceId) return false;
  // Only a preference is at stake: a listing HeyGen cannot give now is not an error.
  const voices = await cachedVoices(app).catch(() => []);
  return voices.find((v) => v.id === lookDefaultVoiceId)?.supportLocale === true;
}

/** The text voice sent to HeyGen, and what the response reports. */
export async function settleTtsVoice(
  app: AppContext,
  tts: CheckedTts,
  lookDefaultVoiceId: string | null,
): Promise<{ textVoice: TextVoice; used: VoiceUsed; scriptSha256: string }> {
  const fromPreferences: VoiceUsed["fromPreferences"] = [];
  let speed = tts.settings.speed;
  if (speed === undefined && tts.prefs?.speed != null) {
    speed = clamp(tts.prefs.speed, SPEED_RANGE);
    fromPreferences.push("speed");
  }
  const voiceId = tts.voice?.id ?? null;
  let locale = tts.settings.locale;
  if (
    locale === undefined &&
    tts.prefs?.language &&
    (await supportsLocale(app, tts, lookDefaultVoiceId))
  ) {
    locale = tts.prefs.language;
    fromPreferences.push("locale");
  }
  const textVoice: TextVoice = {
    script: tts.script,
    voiceId,
    speed: speed ?? 1,
    pitch: tts.settings.pitch ?? 0,
    ...(locale ? { locale } : {}),
  };
  return {
    textVoice,
    scriptSha256: createHash("sha256").update(tts.script).digest("hex"),
    used: {
      source: "tts",
      voiceId: voiceId ?? lookDefaultVoiceId,
      voiceIdFrom: voiceId ? "request" : "look_default",
      speed: textVoice.speed,
      pitch: textVoice.pitch,
      locale: locale ?? null,
      fromPreferences,
      preferencesAssetId: fromPreferences.length > 0 ? (tts.prefs?.assetId ?? null) : null,
    },
  };
}

/** Where the MP3 of a recording waits for HeyGen to download it (under the user's prefix). */
export const heygenAudioObject = (uid: string, sha256: string): string =>
  `users/${uid}/heygen-audio/${sha256}.mp3`;

/** A render may wait in HeyGen's queue: the audio URL outlives the render deadline. */
export const AUDIO_URL_SECONDS = 24 * 3600;

/**
 * HEYGEN_AUDIO_SOURCE=url: the converted MP3 goes to our bucket and HeyGen gets a
 * signed read URL of it as `audio_url` (both API versions take one), instead of
 * an asset upload. The URL is a bearer credential: it is never logged or stored.
 */
export async function recordedAudioUrl(
  app: AppContext,
  uid: string,
  voice: LocalMedia,
): Promise<{ audioUrl: string }> {
  const object = heygenAudioObject(uid, voice.sha256);
  await getBucket(app.config.storageBucket).upload(voice.path, {
    destination: object,
    contentType: "audio/mpeg",
    resumable: false,
  });
  const { url } = await signedReadUrl(
    app.config.storageBucket,
    object,
    app.clock.now(),
    AUDIO_URL_SECONDS,
  );
  return { audioUrl: url };
}
