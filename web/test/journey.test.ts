/**
 * The web client in headless Chromium against the whole local stack (Hosting emulator
 * serving web/dist, functions through the rewrites and callables, Auth/Firestore
 * emulators, the local Storage server, the HeyGen simulator): run by `npm test`.
 *
 * With MASKY_SCREENSHOTS=<dir> (`npm run screenshots`), every screen is also saved at
 * desktop width and at 360 px.
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { WEB_URL, heygenControl, launch } from "./browser";
import { useHeygenWebhook } from "./heygen-webhook";
import { DESKTOP, accessible, followSteps, giveConsent, screenshot, signUp, videoPlays } from "./steps";
import { useStack } from "../../functions/test/helpers/use-stack";

async function captureAndGenerate(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Use the camera" }).click();
  await page.getByRole("button", { name: "Take the photo" }).click();
  await page.getByText(/Photo ready \(camera/).waitFor();
  await page.getByRole("button", { name: "Record my voice" }).click();
  await page.getByRole("button", { name: "Stop" }).waitFor();
  // The level meter follows the (fake) microphone while recording.
  await page.waitForFunction(
    () => (document.getElementById("voice-level") as HTMLMeterElement).value > 0.05,
    undefined,
    { timeout: 5000 },
  );
  await page.waitForTimeout(2500);
  await page.getByRole("button", { name: "Stop" }).click();
  await page.getByRole("button", { name: "Record again" }).waitFor();
  const recorded = await page.getByLabel("Your recording").evaluate(
    (a) => new Promise<number>((resolve) => {
      const el = a as HTMLAudioElement;
      if (el.readyState >= 1) resolve(el.duration);
      else el.addEventListener("loadedmetadata", () => resolve(el.duration), { once: true });
    }),
  );
  assert.ok(recorded > 1 || recorded === Infinity, `recording plays back (duration ${recorded})`);
  await page.getByRole("button", { name: "Create my talking video" }).click();
}

/**
 * gzip size of the JavaScript a fresh load of `url` fetches before it is idle, and
 * whether any of it is three.js (its messages say "THREE."). A page that listens to
 * Firestore is never network-idle (its listen channel stays open): `settleMs` then
 * waits that long after `ready` instead.
 */
async function initialJs(
  context: BrowserContext,
  url: string,
  ready: (p: Page) => Promise<void>,
  settleMs?: number,
): Promise<{ bytes: number; three: boolean }> {
  const page = await context.newPage();
  const bodies: Promise<Buffer>[] = [];
  page.on("response", (r) => {
    if (r.url().endsWith(".js") && r.url().startsWith(WEB_URL)) bodies.push(r.body());
  });
  await page.goto(url);
  await ready(page);
  if (settleMs === undefined) await page.waitForLoadState("networkidle");
  else await page.waitForTimeout(settleMs);
  await page.close();
  const all = await Promise.all(bodies);
  return {
    bytes: all.reduce((sum, b) => sum + gzipSync(b).length, 0),
    three: all.some((b) => b.includes("THREE.")),
  };
}

describe("web client in headless Chromium (Hosting emulator + functions + simulators)", function () {
  this.timeout(240000);
  useStack({ servers: ["storage", "heygen"] });
  useHeygenWebhook();
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: DESKTOP, permissions: ["camera", "microphone"] });
    page = await context.newPage();
    // The page's own errors end up in the test output (a failing step is then explained).
    page.on("pageerror", (e) => console.log(`      [page error] ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") console.log(`      [console] ${m.text()}`);
    });
    page.on("requestfailed", (r) => console.log(`      [request failed] ${r.url()} ${r.failure()?.errorText}`));
  });
  after(async () => {
    await browser?.close();
  });

  it("serves the client with its security headers and Firebase config from /__/firebase/init.json", async () => {
    const res = await fetch(`${WEB_URL}/video`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<main id="main"/);
    const csp = res.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /connect-src 'self' .*https:\/\/firestore\.googleapis\.com/);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.match(res.headers.get("permissions-policy") ?? "", /camera=\(self\), microphone=\(self\)/);
    assert.equal(res.headers.get("cache-control"), "no-cache");
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await (await fetch(`${WEB_URL}/`)).text())?.[1];
    const assetRes = await fetch(`${WEB_URL}${asset}`);
    assert.equal(assetRes.headers.get("cache-control"), "public, max-age=31536000, immutable");
    const init = (await (await fetch(`${WEB_URL}/__/firebase/init.json`)).json()) as { projectId: string };
    assert.match(init.projectId, /^demo-/);
    // Function paths reach the functions through the rewrites (401 without a token).
    const me = await fetch(`${WEB_URL}/api/me`);
    assert.equal(me.status, 401);
    assert.equal(((await me.json()) as { error: string }).error, "UNAUTHENTICATED");
  });

  it("journey: sign up → consent → camera photo + voice → generate → live steps → the video plays", async () => {
    await page.goto(`${WEB_URL}/`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await accessible(page, "sign in");
    await screenshot(page, "1-sign-in");
    await signUp(page);
    await accessible(page, "consent");
    await screenshot(page, "2-consent");
    await giveConsent(page);
    await accessible(page, "talking video");
    // The page asks nothing about the video's status: the server writes its step.
    const statusCalls: string[] = [];
    const watchStatus = (r: { url(): string }) => {
      if (r.url().includes("video_status")) statusCalls.push(r.url());
    };
    page.on("request", watchStatus);
    await captureAndGenerate(page);
    await page.getByRole("progressbar").first().waitFor();
    const steps = await followSteps(page, "Done");
    page.off("request", watchStatus);
    // Seen without a reload, through the project document's snapshots.
    assert.ok(steps.includes("Rendering the video"), steps.join(" → "));
    assert.equal(steps[steps.length - 1], "Done");
    assert.deepEqual(statusCalls, [], "no status polling");
    await videoPlays(page);
    // No transcript typed: the page says the video has no captions.
    await page.getByText("No captions: no transcript was typed for this recording.").waitFor();
    assert.equal(await page.locator("#result-video track").count(), 0);
    // The uploads are long done: their progress bar is gone.
    assert.equal(await page.locator("#upload-progress").isVisible(), false, "upload progress shown");
    await accessible(page, "talking video, done");
    await screenshot(page, "3-talking-video");
    await page.getByRole("link", { name: "My data" }).click();
    await page.getByRole("heading", { name: "My data" }).waitFor();
    await page.locator("[data-project]").first().waitFor();
    await accessible(page, "my data");
    await screenshot(page, "4-my-data");
  });

  it("failure: HeyGen's failure message is shown; Try again then succeeds", async () => {
    const message = "Simulated render failure: the photo has no detectable face";
    await page.goto(`${WEB_URL}/video`);
    await page.getByRole("heading", { name: "Talking video" }).waitFor();
    await heygenControl("next-video-failure", { code: 400, message });
    await captureAndGenerate(page);
    await followSteps(page, "failed");
    const alert = page.locator('[role="alert"]:not([hidden])');
    assert.match((await alert.textContent()) ?? "", /no detectable face/);
    await accessible(page, "talking video, failed");
    await screenshot(page, "5-talking-video-failed");
    // The simulator fails every new video until told otherwise: the retry's video renders.
    await heygenControl("next-video-failure", null);
    await page.getByRole("button", { name: "Try again" }).click();
    await followSteps(page, "Done");
    await videoPlays(page);
  });

  it("a second user sees none of the first user's projects", async () => {
    const first = await page.locator("[data-project]").count();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await signUp(page);
    await giveConsent(page);
    await page.getByRole("link", { name: "My data" }).click();
    await page.getByText("No videos yet.").waitFor();
    assert.equal(await page.locator("[data-project]").count(), 0, `first user had ${first} shown`);
  });

  it("budgets: initial JavaScript of the sign-in and talking-video pages ≤ 150 kB gzip, and no page but the 3D one loads three.js", async () => {
    const signIn = await initialJs(await browser.newContext(), `${WEB_URL}/signin`, (p) =>
      p.getByRole("heading", { name: "Sign in" }).waitFor(),
    );
    const video = await initialJs(context, `${WEB_URL}/video`, (p) =>
      p.getByRole("heading", { name: "Talking video" }).waitFor(),
    );
    const data = await initialJs(
      context,
      `${WEB_URL}/data`,
      (p) => p.locator("#avatars li").first().waitFor(),
      1500,
    );
    const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
    console.log(`      initial JS (gzip): sign-in ${kb(signIn.bytes)}, talking video ${kb(video.bytes)}, my data ${kb(data.bytes)}`);
    assert.ok(signIn.bytes <= 150 * 1024, `sign-in ${signIn.bytes} B`);
    assert.ok(video.bytes <= 150 * 1024, `talking video ${video.bytes} B`);
    assert.deepEqual([signIn.three, video.three, data.three], [false, false, false], "three.js loaded");
  });
});
