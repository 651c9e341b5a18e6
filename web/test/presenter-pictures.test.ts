/**
 * The presenter screen on the local stack shows real pictures: every public presenter's
 * preview image loads (served by the HeyGen simulator, allowed by the local CSP) and a
 * voice sample plays, with no Content-Security-Policy violation on the page.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { HEYGEN_SIM, launch } from "./browser";
import { DESKTOP, signUp } from "./steps";
import { useStack } from "../../functions/test/helpers/use-stack";

describe("web client: presenter pictures and voice samples in headless Chromium", function () {
  this.timeout(180000);
  useStack({ servers: ["storage", "heygen"] });
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  before(async () => {
    browser = await launch();
    page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    // Every CSP refusal, whatever the console says about it.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
      document.addEventListener("securitypolicyviolation", (e) =>
        seen.push(`${e.effectiveDirective} ${e.blockedURI}`),
      );
    });
  });
  after(async () => {
    await browser?.close();
  });

  it("every presenter has a loaded picture, a voice sample plays, and nothing is refused by the CSP", async () => {
    await signUp(page);
    await page.getByLabel("I am 18 years old or older").check();
    await page.getByRole("button", { name: "Save my choices" }).click();
    await page.getByRole("heading", { name: "Talking video" }).waitFor();
    assert.equal(await page.getByLabel("A presenter reading my text").isChecked(), true);

    const presenters = page.locator(".presenter label");
    await presenters.first().waitFor();
    const count = await presenters.count();
    assert.ok(count > 1, "the public presenters are listed");
    // A picture that failed to load is replaced by the presenter's initial.
    assert.equal(await page.locator(".presenter .no-picture").count(), 0, "no initial instead of a picture");
    const pictures = page.locator(".presenter img");
    assert.equal(await pictures.count(), count, "one picture per presenter");
    for (let i = 0; i < count; i++) {
      const img = pictures.nth(i);
      await img.scrollIntoViewIfNeeded();
      const src = (await img.getAttribute("src")) ?? "";
      assert.ok(src.startsWith(`${HEYGEN_SIM}/media/previews/avatars/`), src);
      await page.waitForFunction(
        (el) => (el as HTMLImageElement).complete,
        await img.elementHandle(),
        { timeout: 30000 },
      );
      const size = await img.evaluate((el) => [(el as HTMLImageElement).naturalWidth, (el as HTMLImageElement).naturalHeight]);
      assert.ok(size[0] > 0 && size[1] > 0, `${src} decoded as ${size.join("×")}`);
    }

    await page.locator("#voice-select:not([disabled])").waitFor();
    await page.getByLabel("Voice", { exact: true }).selectOption({ index: 1 });
    await page.getByRole("button", { name: "Listen to this voice" }).click();
    const sample = page.getByLabel("Voice sample");
    assert.ok(((await sample.getAttribute("src")) ?? "").startsWith(`${HEYGEN_SIM}/media/previews/voices/`));
    await page.waitForFunction(
      () => {
        const a = document.querySelector<HTMLAudioElement>('audio[aria-label="Voice sample"]');
        return Boolean(a && (a.currentTime > 0 || a.ended));
      },
      undefined,
      { timeout: 30000 },
    );
    assert.equal(await page.getByText("This voice sample cannot be played here.").count(), 0);

    const violations = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
    assert.deepEqual(violations, [], "CSP violations on the page");
    assert.deepEqual(
      consoleErrors.filter((m) => /Content Security Policy|Refused to/i.test(m)),
      [],
      "CSP errors in the console",
    );
  });
});
