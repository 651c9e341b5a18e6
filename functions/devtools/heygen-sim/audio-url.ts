/**
 * `audio_url` of a video create (the legacy voice `{type:"audio", audio_url}` of
 * HeyGen's Create Avatar Video (V2) reference, and `audio_url` of v3 `POST /v3/videos`):
 * HeyGen downloads the recording itself. The simulator does too, over real HTTP, with
 * the documented limit for URLs passed to generate (audio ≤ 50 MB, on HeyGen's usage
 * limits page), and keeps a log of what it fetched.
 */
import { promises as fsp } from "node:fs";
import path from "node:path";
import { newId } from "./model";
import { sniff } from "./http";

/** HeyGen's usage limits for resource URLs passed to video generation: audio at most 50 MB. */
export const MAX_AUDIO_URL_BYTES = 50 * 1024 * 1024;
const AUDIO_URL_TIMEOUT_MS = 30_000;
const AUDIO_TYPES = new Set(["audio/mpeg", "audio/wav"]);

export interface AudioUrlFetch {
  url: string;
  /** HTTP status of the download, or the network error's message. */
  result: number | string;
  bytes: number;
  at: number;
}

/** The downloaded audio file, or why the URL cannot be used (the create answers 400). */
export async function fetchAudioUrl(
  dir: string,
  url: string,
  log: AudioUrlFetch[],
): Promise<{ file: string } | { error: string }> {
  const entry: AudioUrlFetch = { url, result: "not fetched", bytes: 0, at: Date.now() };
  log.push(entry);
  if (!/^https?:\/\//.test(url)) return { error: "audio_url must be an http(s) URL" };
  let bytes: Buffer;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(AUDIO_URL_TIMEOUT_MS) });
    entry.result = res.status;
    if (!res.ok) return { error: `audio_url could not be downloaded (HTTP ${res.status})` };
    bytes = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    entry.result = (err as Error).message;
    return { error: "audio_url could not be downloaded" };
  }
  entry.bytes = bytes.length;
  if (bytes.length > MAX_AUDIO_URL_BYTES) return { error: "audio_url is larger than 50 MB" };
  const type = sniff(bytes.subarray(0, 64));
  if (!type || !AUDIO_TYPES.has(type)) return { error: "audio_url is not MP3 or WAV audio" };
  const file = path.join(dir, `audio-url-${newId()}.${type === "audio/wav" ? "wav" : "mp3"}`);
  await fsp.writeFile(file, bytes);
  return { file };
}
