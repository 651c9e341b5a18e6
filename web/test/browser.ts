/**
 * Headless Chromium (Debian's package, on the PATH) with a fake camera and microphone
 * fed from generated files, driving the web client that the Hosting emulator serves.
 * Nothing is downloaded: the fixtures come from the ffmpeg binary the functions
 * package ships.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
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

/** A moving test picture (Y4M) and a speech-like, amplitude-modulated tone (WAV). */
export function mediaFixtures(): { video: string; audio: string } {
  const dir = path.join(os.tmpdir(), "masky-browser-fixtures");
  mkdirSync(dir, { recursive: true });
  const ffmpeg = (fromFunctions("@ffmpeg-installer/ffmpeg") as { path: string }).path;
  const video = path.join(dir, "camera.y4m");
  const audio = path.join(dir, "voice.wav");
  if (!existsSync(video)) {
    execFileSync(ffmpeg, ["-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=480x480:r=15:d=2", "-pix_fmt", "yuv420p", video]);
  }
  if (!existsSync(audio)) {
    // Syllable-like bursts: 180 Hz with harmonics, gated 4 times a second, then a pause.
    execFileSync(ffmpeg, [
      "-y", "-loglevel", "error", "-f", "lavfi",
      "-i", "aevalsrc='(0.5*sin(2*PI*180*t)+0.25*sin(2*PI*360*t)+0.1*sin(2*PI*720*t))*gt(sin(2*PI*4*t),0)*lt(mod(t,3),2.2)':s=48000:d=6",
      "-ac", "1", "-c:a", "pcm_s16le", audio,
    ]);
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
