/**
 * The text-to-speech path of the simulator, for both API generations (legacy
 * `voice {type:"text", input_text, voice_id, speed?, pitch?, locale?}` in HeyGen's Create
 * Avatar Video (V2) reference; v3 `script` + `voice_id` +
 * `voice_settings{speed, pitch, volume, locale}` of `POST /v3/videos`).
 *
 * - Script limit: 5,000 characters in both (the current docs), counted in code points.
 *   `ttsLimits.maxScriptChars` lets a test play an account on the older 1,500-character
 *   limit that legacy errors quoted ("input_text exceeds 1500 characters").
 * - Unknown voice: legacy 400 `400116` VOICE_NOT_FOUND (from a third-party error-code
 *   map consistent with HeyGen's error table, not from HeyGen itself); v3 404
 *   `voice_not_found` (HeyGen's v3 error codes).
 * - v3 without `voice_id`: the look's default voice, as HeyGen's v3 spec says (every
 *   simulated look and public avatar has one, `default_voice_id` in its view).
 * - Ranges: v3 speed 0.5–1.5, pitch −50..50, volume 0–1 (HeyGen's v3 spec). Legacy
 *   sources conflict and none settles it (HeyGen's older skill notes say 0.5–2.0 /
 *   −20..20, older community copies 0.5–1.5 / −50..50): the simulator
 *   enforces the narrowest, so a client that passes here passes every documented
 *   version.
 * - The script is spoken with espeak-ng (Debian's package), in the voice's language and
 *   gender (a `locale` such as en-GB picks the accent), at the requested speed, pitch
 *   and volume, so a presenter video says its text. Without espeak-ng the simulator
 *   warns once and speaks a tone whose length follows the script length and speed.
 */
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, promises as fsp } from "node:fs";
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

export interface TextVoice {
  text: string;
  voiceId: string;
  speed: number;
  /** Legacy −20…20, v3 −50…50; 0 is the voice's own pitch. */
  pitch: number;
  /** v3 only, 0…1. */
  volume: number;
  /** e.g. `en-GB`, when the request names one. */
  locale: string | null;
}

/** espeak-ng speaks about 15 characters a second at its default 175 words a minute. */
const ESPEAK_WPM = 175;

/**
 * The espeak-ng voice for a simulated HeyGen voice: the locale's accent when it names
 * one espeak-ng has (en-GB → en-gb), else the voice's language (American English,
 * German), with a female variant for female voices.
 */
export function espeakVoiceFor(voiceId: string, locale: string | null): string {
  const voice = PUBLIC_VOICES.find((v) => v.voice_id === voiceId);
  const language = voice?.language === "German" ? "de" : "en-us";
  const accents: Record<string, string> = { "en-gb": "en-gb", "en-us": "en-us", "de-de": "de" };
  const accent = locale ? accents[locale.toLowerCase()] : undefined;
  const base = accent && accent.slice(0, 2) === language.slice(0, 2) ? accent : language;
  return voice?.gender === "female" ? `${base}+f3` : base;
}

/** The speaker binary, and whether it was found (null: not looked for yet; tests reset it). */
export const ttsSpeaker: { binary: string; present: boolean | null } = {
  binary: "espeak-ng",
  present: null,
};

/** Whether espeak-ng runs here; the first time it does not, one warning says so. */
function espeakAvailable(): boolean {
  if (ttsSpeaker.present === null) {
    ttsSpeaker.present =
      spawnSync(ttsSpeaker.binary, ["--version"], { stdio: "ignore" }).status === 0;
    if (!ttsSpeaker.present) {
      console.warn(
        "HeyGen simulator: espeak-ng is not installed (apt-get install -y espeak-ng); " +
          "text-to-speech videos get a tone instead of speech.",
      );
    }
  }
  return ttsSpeaker.present;
}

/** espeak-ng writes `wav`; the text goes in on stdin, so nothing in it is read as an option. */
function espeak(wav: string, voice: TextVoice): Promise<void> {
  const args = [
    "-v",
    espeakVoiceFor(voice.voiceId, voice.locale),
    "-s",
    String(Math.round(ESPEAK_WPM * voice.speed)),
    "-p",
    String(Math.min(99, Math.max(0, 50 + voice.pitch))),
    "-a",
    String(Math.round(100 * voice.volume)),
    "-w",
    wav,
    "--stdin",
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(ttsSpeaker.binary, args, { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`espeak-ng failed (${code}): ${stderr.trim()}`));
    });
    child.stdin.end(voice.text);
  });
}

/** Writes the spoken script as MP3 (22.05 kHz mono, like the tone before it); returns its path. */
export async function synthesizeSpeech(dir: string, voice: TextVoice): Promise<string> {
  const spoken = espeakAvailable();
  const key = JSON.stringify({ ...voice, spoken });
  const file = path.join(dir, `tts-${createHash("sha256").update(key).digest("hex")}.mp3`);
  if (existsSync(file)) return file;
  // Written under a name of its own, then renamed: a concurrent request for the same
  // script never reads a half-written file.
  const partial = `${file}.${randomBytes(6).toString("hex")}`;
  const encode = ["-ac", "1", "-ar", "22050", "-c:a", "libmp3lame", "-b:a", "48k", "-f", "mp3"];
  try {
    if (spoken) {
      await espeak(`${partial}.wav`, voice);
      await ffmpeg(["-y", "-i", `${partial}.wav`, ...encode, partial]);
    } else {
      const seconds = speechSeconds(voice.text, voice.speed);
      const tone = `sine=frequency=220:sample_rate=22050:duration=${seconds}`;
      await ffmpeg(["-y", "-f", "lavfi", "-i", tone, ...encode, partial]);
    }
    await fsp.rename(partial, file);
  } finally {
    await fsp.rm(`${partial}.wav`, { force: true });
    await fsp.rm(partial, { force: true });
  }
  return file;
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
  const locale = typeof voice.locale === "string" ? voice.locale : null;
  return { ok: { text, voiceId, speed, pitch, volume: 1, locale } };
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
  const locale = typeof s.locale === "string" ? s.locale : null;
  return { ok: { text, voiceId, speed, pitch, volume, locale } };
}
