/**
 * The 3D avatar page in headless Chromium against the whole local stack (Hosting
 * emulator, functions, the Avatar SDK simulator): selfie from the fake camera →
 * POST /avatar/jobs through the rewrite → progress from the job document → the GLB is
 * rendered (pixels read back from the canvas) → while the recorded voice plays the
 * mouth morph targets move → preferences save and read back after a reload. A job the
 * provider fails shows the provider's message, and Try again sends the selfie again.
 * The sweep is run by the test (scheduled functions do not fire in the emulator).
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { sweepUntilTerminal } from "../../functions/test/helpers/avatar";
import { avatarSdkSim } from "../../functions/test/helpers/servers";
import { WEB_URL, launch } from "./browser";
import { DESKTOP, accessible, screenshot, signUp } from "./steps";
import { useStack } from "../../functions/test/helpers/use-stack";

interface ViewerState {
  morphs: Record<string, number>;
  mouthMorphs: string[];
  speaking: boolean;
  frames: number;
}
const viewerState = (page: Page) =>
  page.evaluate(() => (window as unknown as { __maskyViewer: { state(): ViewerState } }).__maskyViewer.state());

/** Share of the canvas's pixels that differ clearly from its background (a corner pixel). */
const coveredShare = (page: Page) =>
  page.locator("#avatar-canvas").evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const copy = document.createElement("canvas");
    copy.width = canvas.width;
    copy.height = canvas.height;
    const g = copy.getContext("2d") as CanvasRenderingContext2D;
    g.drawImage(canvas, 0, 0);
    const { data } = g.getImageData(0, 0, copy.width, copy.height);
    const bg = [data[0], data[1], data[2]];
    let differ = 0;
    for (let i = 0; i < data.length; i += 4) {
      const d = Math.abs(data[i] - bg[0]) + Math.abs(data[i + 1] - bg[1]) + Math.abs(data[i + 2] - bg[2]);
      if (d > 30) differ++;
    }
    return differ / (data.length / 4);
  });

interface StepRecord {
  seen: string[];
  values: number[];
}
type RecordingWindow = Window & { __maskyJobSteps?: StepRecord };

// Code run in the page declares no function-valued variables: the test's TypeScript
// loader would wrap them in a helper (`__name`) that exists only in Node.

/** Starts recording, in the page, each step and progress value the job box renders. */
const recordJobSteps = (page: Page) =>
  page.evaluate(() => {
    const box = document.getElementById("avatar-job") as HTMLElement;
    const progress = document.getElementById("avatar-progress") as HTMLProgressElement;
    const record = {
      seen: [] as string[],
      values: [] as number[],
      look() {
        const step = box.querySelector('.steps li[aria-current="step"]')?.textContent ?? "";
        if (step && record.seen.at(-1) !== step) record.seen.push(step);
        if (record.values.at(-1) !== progress.value) record.values.push(progress.value);
      },
    };
    (window as RecordingWindow).__maskyJobSteps = record;
    record.look();
    new MutationObserver(() => record.look()).observe(box, { subtree: true, childList: true, attributes: true, characterData: true });
  });
const recordedJobSteps = (page: Page) =>
  page.evaluate(() => {
    const { seen, values } = (window as RecordingWindow).__maskyJobSteps as StepRecord;
    return { seen, values };
  });

/** The mouth morph values of every frame while the avatar speaks (waits for the voice to start). */
const mouthWhileSpeaking = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number[][]>((resolve, reject) => {
        const viewer = (window as unknown as { __maskyViewer: { state(): ViewerState } }).__maskyViewer;
        const sampler = {
          samples: [] as number[][],
          started: false,
          frame() {
            const s = viewer.state();
            if (s.speaking) {
              sampler.started = true;
              sampler.samples.push(s.mouthMorphs.map((m) => s.morphs[m] ?? 0));
            } else if (sampler.started) {
              clearTimeout(give);
              return resolve(sampler.samples);
            }
            requestAnimationFrame(() => sampler.frame());
          },
        };
        const give = setTimeout(
          () => (sampler.started ? resolve(sampler.samples) : reject(new Error("the avatar never started speaking"))),
          30000,
        );
        requestAnimationFrame(() => sampler.frame());
      }),
  );

describe("web client: the 3D avatar page in headless Chromium", function () {
  this.timeout(240000);
  // The sweep this test runs advances every due job of the project: start from none, so
  // jobs an earlier suite left behind are not swept (and timed) here.
  useStack({
    servers: ["storage", "heygen"],
    provider: "avatar-sdk",
    fresh: { firestore: true, per: "suite" },
  });
  let browser: Browser;
  let page: Page;

  before(async () => {
    browser = await launch();
    const context = await browser.newContext({ viewport: DESKTOP, permissions: ["camera", "microphone"] });
    page = await context.newPage();
    page.on("pageerror", (e) => console.log(`      [page error] ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") console.log(`      [console] ${m.text()}`);
    });
  });
  after(async () => {
    avatarSdkSim().rejectNextPhotos = null;
    await browser?.close();
  });

  it("selfie → a failed job's message → Try again → progress → the GLB is rendered → the mouth moves with the voice → preferences read back", async () => {
    await signUp(page);
    // The 3D page asks for the avatar_3d consent first, then comes back.
    await page.goto(`${WEB_URL}/avatar`);
    await page.getByRole("heading", { name: "Your consent" }).waitFor();
    await page.getByLabel("I am 18 years old or older").check();
    await page.getByLabel("Your selfie for a 3D avatar").check();
    await page.getByRole("button", { name: "Save my choices" }).click();
    await page.getByRole("heading", { name: "3D avatar" }).waitFor();
    await accessible(page, "3D avatar, selfie");

    await page.getByRole("button", { name: "Use the camera" }).click();
    await page.getByRole("button", { name: "Take the photo" }).click();
    await page.getByText(/Photo ready \(camera/).waitFor();
    // The provider refuses the first photo: its message is shown with Try again.
    avatarSdkSim().rejectNextPhotos = "No face detected in the photo";
    await page.getByRole("button", { name: "Make my 3D avatar" }).click();
    const failedJob = await page.locator("#avatar-job[data-job]").getAttribute("data-job", { timeout: 30000 });
    assert.ok(failedJob);
    assert.equal((await sweepUntilTerminal(failedJob)).at(-1)?.status, "error");
    await page.locator('#avatar-job [role="alert"]', { hasText: "No face detected" }).waitFor();
    await accessible(page, "3D avatar, failed");
    avatarSdkSim().rejectNextPhotos = null;
    await page.getByRole("button", { name: "Try again" }).click();
    await page.waitForFunction(
      (failed) => {
        const id = document.getElementById("avatar-job")?.dataset.job;
        return Boolean(id && id !== failed);
      },
      failedJob,
      { timeout: 30000 },
    );
    const jobId = (await page.locator("#avatar-job").getAttribute("data-job")) as string;
    assert.equal(await page.locator('#avatar-job [role="alert"]').isVisible(), false, "the old message is gone");
    await page.locator('#avatar-job .steps li[aria-current="step"]').waitFor();
    await accessible(page, "3D avatar, in progress");
    await screenshot(page, "6-3d-avatar-progress");

    // What the page shows while the sweep advances the job (no reload): every step and
    // progress value it renders, recorded in the page as it renders them, so no state is
    // missed between two looks and the last one is read after Done is on screen.
    await recordJobSteps(page);
    const reads = await sweepUntilTerminal(jobId);
    assert.equal(reads.at(-1)?.status, "done", JSON.stringify(reads));
    await page.locator('#avatar-job .steps li[aria-current="step"]', { hasText: "Done" }).waitFor();
    const { seen, values } = await recordedJobSteps(page);
    assert.ok(seen.includes("Building your 3D head") || seen.includes("Waiting for the 3D service"), seen.join(" → "));
    assert.equal(seen.at(-1), "Done", seen.join(" → "));
    assert.equal(values.at(-1), 100, values.join(", "));

    // The viewer (its own chunk) shows the GLB: the canvas is not blank.
    await page.locator('#avatar-viewer[data-ready="true"]').waitFor({ timeout: 60000 });
    await page.waitForFunction(() => {
      const v = (window as unknown as { __maskyViewer?: { state(): { frames: number } } }).__maskyViewer;
      return (v?.state().frames ?? 0) > 10;
    });
    const chunks = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
    assert.ok(chunks.some((c) => /\/assets\/viewer-[^/]+\.js$/.test(c)), "the 3D chunk was loaded");
    const covered = await coveredShare(page);
    assert.ok(covered > 0.02, `the model covers ${(covered * 100).toFixed(2)} % of the canvas`);

    // Lip-sync: record the (fake) microphone, play it back through the avatar.
    const idle = await viewerState(page);
    assert.ok(idle.mouthMorphs.length > 0, "the asset has mouth morph targets");
    assert.ok(idle.mouthMorphs.every((m) => (idle.morphs[m] ?? 0) < 0.05), JSON.stringify(idle.morphs));
    await page.getByRole("button", { name: "Record my voice" }).click();
    await page.getByRole("button", { name: "Stop", exact: true }).waitFor();
    await page.waitForTimeout(3000);
    await page.getByRole("button", { name: "Stop", exact: true }).click();
    await page.getByText("Ready to speak your recording.").waitFor();
    await page.getByRole("button", { name: "Speak with my avatar" }).click();
    // The mouth, every frame from the moment the voice starts until it ends (read in the
    // page: how fast the test can ask does not decide how many frames it sees).
    const samples = await mouthWhileSpeaking(page);
    assert.ok(samples.length > 10, `${samples.length} frames while speaking`);
    const peak = Math.max(...samples.flat());
    const distinct = new Set(samples.map((s) => s.map((v) => v.toFixed(2)).join())).size;
    assert.ok(peak > 0.2, `mouth morphs peak at ${peak}`);
    assert.ok(distinct > 5, `mouth morphs took ${distinct} different shapes`);
    await accessible(page, "3D avatar, viewer");
    await screenshot(page, "7-3d-avatar");

    // Preferences: save, then read back after a reload.
    await page.getByLabel("Name", { exact: true }).fill("Mia");
    await page.getByLabel("Language").selectOption("de-DE");
    await page.getByLabel("Glasses").check();
    await page.getByRole("button", { name: "Save preferences" }).click();
    await page.getByText("Saved.", { exact: true }).waitFor();
    await page.reload();
    await page.locator('#avatar-viewer[data-ready="true"]').waitFor({ timeout: 60000 });
    await page.getByText(/^Last saved /).waitFor();
    assert.equal(await page.getByLabel("Name", { exact: true }).inputValue(), "Mia");
    assert.equal(await page.getByLabel("Language").inputValue(), "de-DE");
    assert.equal(await page.getByLabel("Glasses").isChecked(), true);
  });
});
