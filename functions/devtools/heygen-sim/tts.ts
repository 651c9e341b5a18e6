/**
 * The text-to-speech path of the simulator, for both API generations
 * (heygen-api.md §6 `voice {type:"text", input_text, voice_id, speed?, pitch?, locale?}`;
 * heygen-v3.md §4 `script` + `voice_id` + `voice_settings{speed, pitch, volume, locale}`).
 *
 * - Script limit: 5,000 characters in both (the current docs), counted in code points.
 *   `ttsLimits.maxScriptChars` lets a test play an account on the older 1,500-character
 *   limit that legacy errors quoted ("input_text exceeds 1500 characters").
 * - Unknown voice: legacy 400 `400116` VOICE_NOT_FOUND [C3]; v3 404 `voice_not_found` [C].
 * - v3 without `voice_id`: the look's default voice [C] (every simulated look and public
 *   avatar has one, `default_voice_id` in its view).
 * - Ranges: v3 speed 0.5–1.5, pitch −50..50, volume 0–1 [C]. Legacy sources conflict
 *   (0.5–2.0 / −20..20 vs 0.5–1.5 / −50..50, [U]): the simulator enforces the
 *   narrowest, so a client that passes here passes every documented version.
 * - The speech is a synthesised tone whose length follows the script length and speed.
 */
import path from "node:path";
import { createHash } from "node:crypto";
import { ffmpeg } from "../sim-media/ffmpeg";
import { PUBLIC_VOICES } from "./model";
import { errorReply, type SimReply } from "./http";

export const ttsLimits = { maxScriptChars: 5000 };

/** Characters as a reader counts them (code points, not UTF-16 units). */
export const scriptChars = (s: string): number => [...s].length;

/** Roughly 15 characters a second at speed 1, at least one second. */
export function speechSeconds(text: string, speed = 1): number {
  return Math.max(1, Math.round((scriptChars(text) / (15 * speed)) * 10) / 10);
}

/** Every look and public avatar has a default voice (stable per id). */
export function defaultVoiceFor(avatarOrLookId: string): string {
  const n = createHash("sha256").update(avatarOrLookId).digest().readUInt32BE(0);
  return PUBLIC_VOICES[n % PUBLIC_VOICES.length].voice_id;
}

const knownVoice = (id: string) => PUBLIC_VOICES.some((v) => v.voice_id === id);

/** Writes the spoken script (a tone of the right length) as MP3; returns its path. */
export async function synthesizeSpeech(dir: string, text: string, speed: number): Promise<string> {
  const file = path.join(
    dir,
    `tts-${createHash("sha256").update(text).digest("hex")}-${speed}.mp3`,
  );
  await ffmpeg([
    "-y",
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=220:sample_rate=22050:duration=${speechSeconds(text, speed)}`,
    "-c:a",
    "libmp3lame",
    "-b:a",
    "48k",
    file,
  ]);
  return file;
}

export interface TextVoice {
  text: string;
  voiceId: string;
  speed: number;
}

type Checked = { ok: TextVoice } | { error: SimReply };

const num = (v: unknown, fallback: number) => (typeof v === "number" ? v : fallback);

/** Legacy `video_inputs[].voice` of type `text`. */
export function checkLegacyTextVoice(voice: Record<string, unknown>): Checked {
  const text = typeof voice.input_text === "string" ? voice.input_text : "";
  const voiceId = typeof voice.voice_id === "string" ? voice.voice_id : "";
  if (!text.trim()) return { error: errorReply("v2", 400, 40039, "input_text is required") };
  if (scriptChars(text) > ttsLimits.maxScriptChars) {
    return {
      error: errorReply(
        "v2",
        400,
        40039,
        `input_text exceeds ${ttsLimits.maxScriptChars} characters`,
      ),
    };
  }
  if (!voiceId) return { error: errorReply("v2", 400, 40001, "voice_id is required") };
  if (!knownVoice(voiceId))
    return { error: errorReply("v2", 400, 400116, `Voice ${voiceId} not found`) };
  const speed = num(voice.speed, 1);
  const pitch = num(voice.pitch, 0);
  if (speed < 0.5 || speed > 1.5)
    return { error: errorReply("v2", 400, 400175, "speed must be between 0.5 and 1.5") };
  if (pitch < -20 || pitch > 20)
    return { error: errorReply("v2", 400, 400175, "pitch must be between -20 and 20") };
  return { ok: { text, voiceId, speed } };
}

const v3Invalid = (param: string, message: string): { error: SimReply } => ({
  error: { status: 400, body: { error: { code: "invalid_parameter", message, param } } },
});

/** v3 `script` + `voice_id` + `voice_settings` on a `type:"avatar"` create. */
export function checkV3Script(body: Record<string, unknown>, avatarId: string): Checked {
  if ("audio_asset_id" in body || "audio_url" in body)
    return v3Invalid("script", "script and audio_asset_id/audio_url are mutually exclusive");
  const text = typeof body.script === "string" ? body.script : "";
  if (!text.trim()) return v3Invalid("script", "script must not be empty");
  if (scriptChars(text) > ttsLimits.maxScriptChars)
    return v3Invalid("script", `script must be at most ${ttsLimits.maxScriptChars} characters`);
  let voiceId: string;
  if (body.voice_id === undefined) {
    voiceId = defaultVoiceFor(avatarId);
  } else if (typeof body.voice_id === "string" && knownVoice(body.voice_id)) {
    voiceId = body.voice_id;
  } else {
    return {
      error: errorReply("v3", 404, "voice_not_found", `Voice ${String(body.voice_id)} not found`),
    };
  }
  const s = (body.voice_settings ?? {}) as Record<string, unknown>;
  const speed = num(s.speed, 1);
  if (speed < 0.5 || speed > 1.5)
    return v3Invalid("voice_settings.speed", "speed must be between 0.5 and 1.5");
  const pitch = num(s.pitch, 0);
  if (pitch < -50 || pitch > 50)
    return v3Invalid("voice_settings.pitch", "pitch must be between -50 and 50");
  const volume = num(s.volume, 1);
  if (volume < 0 || volume > 1)
    return v3Invalid("voice_settings.volume", "volume must be between 0 and 1");
  return { ok: { text, voiceId, speed } };
}
