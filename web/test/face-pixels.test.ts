/**
 * The 3D avatar's face, judged by its pixels in headless Chromium against the whole
 * local stack (Avatar SDK simulator): a painted selfie (no real person) is uploaded as a
 * file, the head made from it is rendered, and regions of the canvas are measured where
 * the viewer says the model's mouth and eyes are now (face-probe.ts):
 * - mouth: in silence the count of the mouth's inside stays at its closed-lips level;
 *   while the recorded voice plays it rises well above it in some frames;
 * - eyes: when the idle blink has closed the lids (blink influence ≥ 0.95) almost none
 *   of the eye whites the open eyes show are left.
 * Each probe reads the morph state and the canvas in the same animation frame, and waits
 * on its condition with a deadline; the blink is the viewer's own idle blink.
 *
 * And the face is the selfie's: the middle of the face shows its (warm) skin colour.
 *
 * Thresholds, measured on this stack (swiftshader, 1280 × 860 viewport; measured values
 * are printed by each run and listed in docs/3d-head.md) and set with wide margins:
 * - silence: the mouth count varies by at most MOUTH_STILL pixels across 2.5 s;
 * - speech: the largest count exceeds the silent level by at least MOUTH_OPEN pixels;
 * - blink: the eye whites drop below BLINK_SHARE of their open-eye count;
 * - texture: at least SKIN_SHARE of the cheek box is skin-coloured.
 * Didimo's head (its poses baked into morph targets) has its own case: face-pixels-didimo.test.ts.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { facePage, headFromSelfie, judgeFace, probe, release, type ViewerHooks } from "./face-probe";
import { useStack } from "../../functions/test/helpers/use-stack";
import { screenshot } from "./steps";

const MOUTH_STILL = 40;
const MOUTH_OPEN = 120;
const BLINK_SHARE = 0.25;
/** Share of the middle of the face that shows the selfie's skin (an untextured head shows none). */
const SKIN_SHARE = 0.5;

describe("web client: the 3D face moves its lips and blinks, by its pixels", function () {
  this.timeout(240000);
  useStack({ servers: ["storage", "heygen"], provider: "avatar-sdk" });
  let browser: Browser;
  let page: Page;

  before(async () => {
    ({ browser, page } = await facePage());
  });
  after(() => browser?.close());

  it("a selfie file → a head with that face; the mouth opens only while it speaks; the eyes close when it blinks", async () => {
    await headFromSelfie(page);

    const { silence } = await judgeFace(page, {
      mouthStill: MOUTH_STILL,
      mouthOpen: MOUTH_OPEN,
      blinkShare: BLINK_SHARE,
      skinShare: SKIN_SHARE,
    });

    // Mid-word: speak again and hold the first clearly open mouth for the screenshot.
    await page.getByRole("button", { name: "Speak with my avatar" }).click();
    const word = await probe(page, { timeoutMs: 8000, until: { mouth: silence.max + MOUTH_OPEN }, hold: true });
    assert.ok((word.at(-1)?.mouth ?? 0) >= silence.max + MOUTH_OPEN, "an open mouth mid-word");
    await screenshot(page, "11-3d-face-mid-word");
    await release(page);

    // The screenshots come last: they resize the page, and with it the canvas.
    await page.waitForFunction(
      () => !(window as unknown as { __maskyViewer: ViewerHooks }).__maskyViewer.state().speaking,
      null,
      { timeout: 15000 },
    );
    await probe(page, { timeoutMs: 15000, until: "quiet", hold: true });
    await screenshot(page, "10-3d-face-at-rest");
    await release(page);
  });
});
