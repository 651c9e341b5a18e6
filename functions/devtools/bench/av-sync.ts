/**
 * Audio/visual sync of the 3D viewer playing a speech timeline, in Debian's Chromium
 * (headless, SwiftShader WebGL) against the running stack: a user with a finished
 * avatar signs in on the web client, and the page's viewer speaks an espeak-ng passage
 * with the timeline the backend's engine computes for it in this process.
 *
 * The figure is the viewer's own measurement (its test hook): for every mouth-shape
 * segment, when the first frame showing it is presented − when its sound is heard,
 * both on the audio clock (requestAnimationFrame time + one frame, mapped through
 * `getOutputTimestamp()`). Goal, from ITU-R BT.1359: p95 ≤ +45 ms, p5 ≥ −125 ms.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { chromium, type Browser } from "playwright-core";
import type { AppContext } from "../../src/context";
import { advanceAvatarJobs } from "../../src/services/avatar/advance-jobs";
import { createAvatarJob } from "../../src/services/avatar/create-job";
import { recordConsent } from "../../src/services/consent/record-consent";
import { ffmpegPath } from "../../src/services/media/ffmpeg";
import { speechTimeline } from "../../src/services/speech/compute";
import type { SpeechTimeline } from "../../src/services/speech/schema";
import { photoJpeg } from "../fixtures/media";
import { CACHE_DIR } from "../harness/paths";
import { until } from "../wait";

/** The Hosting emulator (firebase.json emulators.hosting), which serves web/dist. */
const WEB_URL = "http://127.0.0.1:5000";
const PASSWORD = "bench-password-123";
/** About 13 s of speech with every kind of mouth shape, bilabials and labiodentals included. */
const PASSAGE =
  "My mother made a big apple pie for the village fair, and everybody wanted a piece. " +
  "Five friendly visitors waved from the ferry as it moved over the water. " +
  "Who would have thought that such a small boat could carry so many people?";

export interface AvSync {
  offsetMs: { p5: number; p50: number; p95: number };
  segments: number;
  measured: number;
  continued: number;
  notShown: number;
  frames: number;
  audioSeconds: number;
}

/** The viewer's sync report as its hook returns it (web/src/avatar/sync-offsets.ts). */
interface SpeechLogJson {
  keys: string;
  frames: unknown[];
  sync: Omit<AvSync, "frames" | "audioSeconds" | "offsetMs"> & {
    offsetMs: AvSync["offsetMs"] | null;
  };
}

/** The passage as a 48 kHz mono WAV, generated into .cache/bench/ once. */
function passageWav(): string {
  const dir = path.join(CACHE_DIR, "bench");
  const wav = path.join(dir, "av-sync.wav");
  if (existsSync(wav)) return wav;
  mkdirSync(dir, { recursive: true });
  const spoken = path.join(dir, "av-sync.espeak.wav");
  execFileSync("espeak-ng", ["-v", "en-us", "-s", "165", "-w", spoken, "--stdin"], {
    input: PASSAGE,
  });
  const args = ["-y", "-loglevel", "error", "-i", spoken, "-ar", "48000", "-ac", "1"];
  execFileSync(ffmpegPath(), [...args, "-c:a", "pcm_s16le", `${wav}.tmp.wav`]);
  renameSync(`${wav}.tmp.wav`, wav);
  return wav;
}

/** A signed-up user with avatar_3d consent and a finished avatar; returns the sign-in email. */
async function userWithAvatar(app: AppContext): Promise<string> {
  const email = `bench-av-${randomUUID().slice(0, 8)}@masky.test`;
  const { uid } = await app.auth.createUser({ email, password: PASSWORD });
  await recordConsent(app, uid, {
    policyVersion: app.config.consent.policyVersion,
    ageConfirmed: true,
    purposes: ["avatar_3d"],
  });
  const { jobId } = await createAvatarJob(app, uid, {
    file: {
      field: "file",
      filename: "selfie.jpg",
      declaredType: "image/jpeg",
      data: readFileSync(await photoJpeg(2)),
    },
    fields: { options: JSON.stringify({ output: "glb", blendshapes: "arkit", realism: "high" }) },
  });
  // The functions emulator's trigger submits the job; the sweep (a schedule in production) is run here.
  await until(
    "waiting for the bench avatar job",
    120000,
    async () => {
      const status = (await app.db.doc(`avatar_jobs/${jobId}`).get()).get("status") as string;
      if (status === "error") throw new Error("the bench avatar job failed");
      if (status === "done") return true;
      if (status === "processing") await advanceAvatarJobs(app, { budgetMs: 20000 });
      return null;
    },
    1000,
  );
  return email;
}

function launch(): Promise<Browser> {
  const executablePath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
  if (!executablePath) throw new Error("Chromium is not installed: apt-get install -y chromium");
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--enable-unsafe-swiftshader",
      "--use-angle=swiftshader",
      // The viewer's AudioContext runs without a click, as after a user's gesture.
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

/** Signs in on the web client, opens the avatar, speaks the passage with its timeline. */
async function speakInViewer(
  email: string,
  wav: string,
  timeline: SpeechTimeline,
): Promise<SpeechLogJson> {
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${WEB_URL}/`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((url) => url.pathname !== "/signin", { timeout: 30000 });
    await page.goto(`${WEB_URL}/avatar`);
    await page.locator('#avatar-viewer[data-ready="true"]').waitFor({ timeout: 60000 });
    return await page.evaluate(
      async ({ wav, timeline }) => {
        const hook = (
          globalThis as unknown as {
            __maskyViewer?: {
              speak(audio: Blob, options: { timeline: unknown }): Promise<void>;
              lastSpeech(): SpeechLogJson | null;
            };
          }
        ).__maskyViewer;
        if (!hook) throw new Error("the viewer's hook is missing");
        const bytes = Uint8Array.from(atob(wav), (c) => c.charCodeAt(0));
        await hook.speak(new Blob([bytes], { type: "audio/wav" }), { timeline });
        const log = hook.lastSpeech();
        if (!log) throw new Error("the viewer logged nothing");
        return log;
      },
      { wav: readFileSync(wav).toString("base64"), timeline },
    );
  } finally {
    await browser.close();
  }
}

export async function measureAvSync(app: AppContext): Promise<AvSync> {
  const wav = passageWav();
  const timeline = await speechTimeline(wav, "audio/wav");
  const email = await userWithAvatar(app);
  const log = await speakInViewer(email, wav, timeline);
  const sync = log.sync;
  if (!sync?.offsetMs) throw new Error(`no sync measured: ${JSON.stringify(sync)}`);
  return {
    ...sync,
    offsetMs: sync.offsetMs,
    frames: log.frames.length,
    audioSeconds: timeline.durationSeconds,
  };
}
