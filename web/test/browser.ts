/**
 * Headless Chromium (Debian's package, on the PATH) with a fake camera and microphone
 * fed from generated files, driving the web client that the Hosting emulator serves.
 * Nothing is downloaded: the picture comes from the ffmpeg binary the functions package
 * ships, the voice from espeak-ng (Debian's package), so the avatar hears real speech.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";

/** firebase.json emulators.hosting. */
export const WEB_URL = "http://127.0.0.1:5000";
/** The HeyGen simulator's control API (functions/devtools/ports.ts heygenApi). */
export const HEYGEN_SIM = "http://127.0.0.1:9310";

const REPO = path.resolve(__dirname, "..", "..");
const fromFunctions = createRequire(path.join(REPO, "functions", "package.json"));

function chromiumPath(): string {
  for (const p of [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    if (p && existsSync(p)) return p;
  }
  throw new Error("Chromium is not installed: apt-get install -y chromium");
}

/** Spoken by the fake microphone, looped: short phrases with pauses between them. */
const MIC_SPEECH = "Hello, this is my voice. Mama made a pie, and we ate it by the sea.";

/** A moving test picture (Y4M) and espeak-ng speech for the microphone (48 kHz WAV, in .cache/). */
export function mediaFixtures(): { video: string; audio: string } {
  const dir = path.join(os.tmpdir(), "masky-browser-fixtures");
  mkdirSync(dir, { recursive: true });
  const ffmpeg = (fromFunctions("@ffmpeg-installer/ffmpeg") as { path: string }).path;
  const video = path.join(dir, "camera.y4m");
  if (!existsSync(video)) {
    execFileSync(ffmpeg, ["-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=480x480:r=15:d=2", "-pix_fmt", "yuv420p", video]);
  }
  const voiceDir = path.join(REPO, ".cache", "browser-fixtures");
  const audio = path.join(voiceDir, "voice.wav");
  if (!existsSync(audio)) {
    mkdirSync(voiceDir, { recursive: true });
    const spoken = path.join(voiceDir, "espeak.wav");
    try {
      execFileSync("espeak-ng", ["-v", "en-us", "-s", "165", "-w", spoken, "--stdin"], { input: MIC_SPEECH });
    } catch {
      throw new Error("espeak-ng is not installed: apt-get install -y espeak-ng");
    }
    // Chromium's fake device wants a plain PCM WAV; 48 kHz mono as a microphone gives.
    execFileSync(ffmpeg, ["-y", "-loglevel", "error", "-i", spoken, "-ar", "48000", "-ac", "1", "-c:a", "pcm_s16le", `${audio}.tmp.wav`]);
    renameSync(`${audio}.tmp.wav`, audio);
  }
  return { video, audio };
}

export async function launch(): Promise<Browser> {
  const { video, audio } = mediaFixtures();
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--enable-unsafe-swiftshader",
      "--use-angle=swiftshader",
      "--autoplay-policy=no-user-gesture-required",
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
      `--use-file-for-fake-video-capture=${video}`,
      `--use-file-for-fake-audio-capture=${audio}`,
    ],
  });
}

/** Steers the HeyGen simulator over its HTTP control API. */
export async function heygenControl(p: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${HEYGEN_SIM}/_sim/${p}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}
