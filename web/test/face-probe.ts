/**
 * Measuring the 3D avatar's face by its pixels in the page (headless Chromium): regions
 * of the canvas where the viewer projects the model's mouth, eyes and cheeks in that very
 * frame (`window.__maskyViewer.project`), so the idle head sway does not matter; the
 * morph state read in the same animation frame. Shared by the per-provider face tests.
 * - mouth: pixels of the mouth's inside (dark red to black, or teeth white; a shaded nose
 *   or lip is browner than the inside's dark);
 * - eyes: pixels of the eyes' whites;
 * - cheeks: the share of skin-coloured (warm) pixels.
 * The regions are points of the simulated head (its layout), which every provider
 * simulator builds on.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { EYE, MOUTH } from "../../functions/devtools/provider-sims/head/layout";
import { portraitJpeg } from "../../functions/devtools/provider-sims/head/portrait";
import { sweepUntilTerminal } from "../../functions/test/helpers/avatar";
import { WEB_URL, launch } from "./browser";
import { DESKTOP, signUp } from "./steps";

type Point = [number, number, number];
/** The viewer's test hooks (web/src/avatar/viewer.ts), as the page exposes them. */
export interface ViewerHooks {
  state(): { morphs: Record<string, number>; mouthMorphs: string[]; speaking: boolean; frames: number };
  project(point: Point): { x: number; y: number };
  hold(on: boolean): void;
}

/** The regions measured, as model points whose projections bound them. */
/** From just above the line between the lips (the upper lip stays) down past the open jaw. */
const MOUTH_BOX: Point[] = [
  [-0.026, MOUTH.y + 0.003, 0.09],
  [0.026, MOUTH.y - 0.03, 0.09],
];
/** The middle of the face, cheek to cheek under the eyes, where the selfie shows skin. */
const CHEEK_BOX: Point[] = [
  [-0.05, -0.015, 0.07],
  [0.05, -0.04, 0.07],
];
const eyeBox = (side: 1 | -1): Point[] => [
  [side * EYE.x - 0.016, 0.01, 0.08],
  [side * EYE.x + 0.016, -0.009, 0.08],
];

export interface Sample {
  mouth: number;
  eyes: number;
  /** Share of the cheek box that is skin-coloured (warm: red above green above blue). */
  skin: number;
  blink: number;
  speaking: boolean;
}

interface ProbeOptions {
  /** Stop after this long (ms). */
  timeoutMs: number;
  /**
   * Stop early at the first frame that meets it: the lids closed this far; the mouth this
   * open mid-word with the eyes open; or quiet (eyes open, no voice, lips at rest).
   */
  until?: { blink: number } | { mouth: number } | "quiet";
  /** Hold the face at that frame (for a screenshot). */
  hold?: boolean;
}

/** Samples every animation frame: the mouth and eye counts, the blink influence, speaking. */
export function probe(page: Page, options: ProbeOptions): Promise<Sample[]> {
  return page.evaluate(
    async ({ o, mouthBox, eyeBoxes, cheekBox }) => {
      type P = [number, number, number];
      const v = (window as unknown as { __maskyViewer: ViewerHooks }).__maskyViewer;
      const canvas = document.getElementById("avatar-canvas") as HTMLCanvasElement;
      const g = document.createElement("canvas").getContext("2d", { willReadFrequently: true }) as CanvasRenderingContext2D;
      let area = 0;
      const count = (box: P[], test: (r: number, gr: number, b: number) => boolean) => {
        // All four corners of the box: the head may be turned.
        const [[x0, y0, z], [x1, y1]] = box;
        const ps = ([[x0, y0], [x1, y0], [x0, y1], [x1, y1]] as const).map(([x, y]) => v.project([x, y, z]));
        const x = Math.max(0, Math.floor(Math.min(...ps.map((p) => p.x))));
        const y = Math.max(0, Math.floor(Math.min(...ps.map((p) => p.y))));
        const w = Math.min(canvas.width, Math.ceil(Math.max(...ps.map((p) => p.x)))) - x;
        const h = Math.min(canvas.height, Math.ceil(Math.max(...ps.map((p) => p.y)))) - y;
        area = Math.max(0, w) * Math.max(0, h);
        if (w <= 0 || h <= 0) return 0;
        g.canvas.width = w;
        g.canvas.height = h;
        g.drawImage(canvas, x, y, w, h, 0, 0, w, h);
        const d = g.getImageData(0, 0, w, h).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (test(d[i], d[i + 1], d[i + 2])) n++;
        return n;
      };
      const spread = (r: number, gr: number, b: number) => Math.max(r, gr, b) - Math.min(r, gr, b);
      // Neutral or warm white (teeth, eyes); the page's background is a bluish grey.
      const white = (r: number, gr: number, b: number) =>
        r > 185 && gr > 175 && b > 150 && spread(r, gr, b) < 45 && r >= b - 4;
      const inside = (r: number, gr: number, b: number) =>
        (0.299 * r + 0.587 * gr + 0.114 * b < 70 && r < 150 && gr < 50) || white(r, gr, b);
      const warm = (r: number, gr: number, b: number) => r > gr + 10 && gr > b + 5 && r - b > 40;
      const out: { mouth: number; eyes: number; skin: number; blink: number; speaking: boolean }[] = [];
      const start = performance.now();
      while (performance.now() - start < o.timeoutMs) {
        await new Promise((r) => requestAnimationFrame(r));
        const s = v.state();
        const sample = {
          mouth: count(mouthBox, inside),
          eyes: eyeBoxes.reduce((n, b) => n + count(b, white), 0),
          skin: count(cheekBox, warm) / Math.max(1, area),
          blink: Math.min(s.morphs.eyeBlinkLeft ?? 0, s.morphs.eyeBlinkRight ?? 0),
          speaking: s.speaking,
        };
        out.push(sample);
        const u = o.until;
        const lips = Math.max(0, ...s.mouthMorphs.map((m) => s.morphs[m] ?? 0));
        const met =
          u === "quiet"
            ? sample.blink === 0 && !s.speaking && lips < 0.01
            : u && "blink" in u
              ? sample.blink >= u.blink
              : u && "mouth" in u
                ? sample.speaking && sample.mouth >= u.mouth && sample.blink < 0.05
                : false;
        if (met) {
          if (o.hold) v.hold(true);
          break;
        }
      }
      return out;
    },
    { o: options, mouthBox: MOUTH_BOX, eyeBoxes: [eyeBox(1), eyeBox(-1)], cheekBox: CHEEK_BOX },
  );
}

export const release = (page: Page) =>
  page.evaluate(() => (window as unknown as { __maskyViewer: ViewerHooks }).__maskyViewer.hold(false));

export const stats = (xs: number[]) => ({ min: Math.min(...xs), max: Math.max(...xs), mean: Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) });

/** Sign-up, consent, the painted selfie as a file → a finished job → the viewer drawing frames. */
export async function headFromSelfie(page: Page): Promise<void> {
  await signUp(page);
  await page.goto(`${WEB_URL}/avatar`);
  await page.getByLabel("I am 18 years old or older").check();
  await page.getByLabel("Your selfie for a 3D avatar").check();
  await page.getByRole("button", { name: "Save my choices" }).click();
  await page.getByRole("heading", { name: "3D avatar" }).waitFor();
  await page.locator("#selfie-file").setInputFiles({
    name: "selfie.jpg",
    mimeType: "image/jpeg",
    buffer: Buffer.from(await portraitJpeg()),
  });
  await page.getByText(/Photo ready \(/).waitFor();
  await page.getByRole("button", { name: "Make my 3D avatar" }).click();
  const jobId = await page.locator("#avatar-job[data-job]").getAttribute("data-job", { timeout: 30000 });
  assert.ok(jobId);
  assert.equal((await sweepUntilTerminal(jobId)).at(-1)?.status, "done");
  await page.locator('#avatar-viewer[data-ready="true"]').waitFor({ timeout: 60000 });
  await page.waitForFunction(
    () => ((window as unknown as { __maskyViewer?: ViewerHooks }).__maskyViewer?.state().frames ?? 0) > 10,
  );
}

/** Records the (fake) microphone for 3 s and starts speaking it through the avatar. */
export async function recordAndSpeak(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Record my voice" }).click();
  await page.getByRole("button", { name: "Stop", exact: true }).waitFor();
  await page.waitForTimeout(3000);
  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await page.getByText("Ready to speak your recording.").waitFor();
  await page.getByRole("button", { name: "Speak with my avatar" }).click();
  await page.waitForFunction(
    () => (window as unknown as { __maskyViewer: ViewerHooks }).__maskyViewer.state().speaking,
    null,
    { timeout: 10000 },
  );
}

/** Chromium with camera and microphone allowed, one desktop page that logs the page's errors. */
export async function facePage(): Promise<{ browser: Browser; page: Page }> {
  const browser = await launch();
  const context = await browser.newContext({ viewport: DESKTOP, permissions: ["camera", "microphone"] });
  // The test runs through tsx, which names inner functions with esbuild's __name helper:
  // the probe's inner functions need it in the page too.
  await context.addInitScript("globalThis.__name = (f) => f;");
  const page = await context.newPage();
  page.on("pageerror", (e) => console.log(`      [page error] ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`      [console] ${m.text()}`);
  });
  return { browser, page };
}

/** What a face test demands of its head (each test says why its values). */
export interface FaceThresholds {
  /** At most this many mouth pixels of change across 2.5 s of silence. */
  mouthStill: number;
  /** While speaking, the largest mouth count exceeds the silent maximum by at least this. */
  mouthOpen: number;
  /** With the lids closed, the eye whites drop below this share of the open eyes' mean. */
  blinkShare: number;
  /** At least this share of the cheek box shows the selfie's (warm) skin. */
  skinShare: number;
}

/**
 * The shared judgement of a finished head on the page: at rest it shows the selfie's
 * skin; in silence the mouth stays still and the open eyes show their whites; the idle
 * blink (every 1–8 s) closes the lids; the recorded voice played through the avatar opens
 * the mouth. Returns the silent mouth's figures for what a test checks next.
 */
export async function judgeFace(page: Page, t: FaceThresholds): Promise<{ silence: ReturnType<typeof stats> }> {
  const rest = (await probe(page, { timeoutMs: 15000, until: "quiet" })).at(-1) as Sample;
  console.log(`      at rest: ${JSON.stringify(rest)}`);
  assert.ok(rest.skin >= t.skinShare, `${(rest.skin * 100).toFixed(0)} % of the cheeks show the selfie's skin`);

  const silent = await probe(page, { timeoutMs: 2500 });
  const silence = stats(silent.map((s) => s.mouth));
  const open = stats(silent.filter((s) => s.blink === 0).map((s) => s.eyes));
  console.log(`      silence: mouth ${JSON.stringify(silence)}, open eyes ${JSON.stringify(open)} (${silent.length} frames)`);
  assert.ok(silent.length >= 5, `${silent.length} frames in 2.5 s`);
  assert.ok(silence.max - silence.min <= t.mouthStill, `the mouth changed in silence: ${JSON.stringify(silence)}`);
  assert.ok(open.min > 40, `the open eyes show their whites: ${JSON.stringify(open)}`);

  const closed = (await probe(page, { timeoutMs: 20000, until: { blink: 0.95 } })).at(-1) as Sample;
  console.log(`      blink ${closed.blink.toFixed(2)}: eye whites ${closed.eyes} (open ${open.mean})`);
  assert.ok(closed.blink >= 0.95, "the avatar blinked within 20 s");
  assert.ok(closed.eyes < open.mean * t.blinkShare, `eye whites ${closed.eyes} while blinking, ${open.mean} open`);

  await recordAndSpeak(page);
  const spoken = (await probe(page, { timeoutMs: 4000 })).filter((s) => s.speaking);
  const speech = stats(spoken.map((s) => s.mouth));
  console.log(`      speech: mouth ${JSON.stringify(speech)} (${spoken.length} frames)`);
  assert.ok(spoken.length >= 5, `${spoken.length} frames while speaking`);
  assert.ok(speech.max - silence.max >= t.mouthOpen, `the mouth opened by ${speech.max - silence.max} pixels`);
  return { silence };
}
