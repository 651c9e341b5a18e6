/**
 * Runs the ffmpeg binary shipped inside the @ffmpeg-installer/ffmpeg npm package
 * (a static build with libmp3lame, libopus, libx264). Loaded lazily: only the
 * functions that convert media pay for it.
 */
import { spawn } from "node:child_process";
import type { SniffedType } from "./sniff";

export function ffmpegPath(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("@ffmpeg-installer/ffmpeg") as { path: string }).path;
}

export interface FfmpegResult {
  stderr: string;
  /** Media duration ffmpeg reported (input header, or the last progress time). */
  durationSeconds: number | null;
}

function toSeconds(h: string, m: string, s: string): number {
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** Parses the output duration: the last `time=` progress stamp, else the input `Duration:`. */
export function parseFfmpegDuration(stderr: string): number | null {
  const times = [...stderr.matchAll(/time=(\d+):(\d+):(\d+(?:\.\d+)?)/g)];
  if (times.length > 0) {
    const t = times[times.length - 1];
    return toSeconds(t[1], t[2], t[3]);
  }
  const d = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
  return d ? toSeconds(d[1], d[2], d[3]) : null;
}

/** The demuxer for each sniffed audio type: ffmpeg never guesses an untrusted file's format. */
const DEMUXERS: Partial<Record<NonNullable<SniffedType>, string>> = {
  "audio/mpeg": "mp3",
  "audio/wav": "wav",
  "audio/ogg": "ogg",
  "audio/webm": "matroska",
  "audio/flac": "flac",
  "audio/mp4": "mov",
  "video/mp4": "mov",
};

/**
 * `-i` for a user's file: the demuxer named from the sniffed type (`-f`), and only the
 * file and pipe protocols (no http, no concat/subfile tricks reaching other files or
 * hosts). Throws for a type that is not audio: callers reject those before ffmpeg.
 */
export function untrustedInputArgs(file: string, type: SniffedType): string[] {
  const demuxer = type ? DEMUXERS[type] : undefined;
  if (!demuxer) throw new Error(`No ffmpeg demuxer for ${type ?? "an unknown type"}`);
  return ["-protocol_whitelist", "file,pipe", "-f", demuxer, "-i", file];
}

/**
 * Runs ffmpeg with an empty environment (it never sees the function's secrets or
 * credentials; FFREPORT and the like cannot be injected), killed after `timeoutMs`.
 */
export function runFfmpeg(args: string[], timeoutMs = 120000): Promise<FfmpegResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), ["-hide_banner", "-nostdin", ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      env: {},
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
      if (stderr.length > 64 * 1024) stderr = stderr.slice(-32 * 1024);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stderr, durationSeconds: parseFfmpegDuration(stderr) });
      else {
        const tail = stderr.trim().split("\n").slice(-3).join(" | ");
        reject(new Error(`ffmpeg failed (${signal ?? code}): ${tail}`));
      }
    });
  });
}
