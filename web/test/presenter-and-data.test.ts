/**
 * The talking-video page's second way (a public presenter, a HeyGen voice and a script:
 * no photo, no recording, no consent needed) and the data rights on My data: the
 * export downloads a JSON file of the user's data, and deleting the account signs the
 * page out and erases the data (read back with the Admin SDK).
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { adminAuth, db } from "../../functions/test/helpers/admin";
import { HEYGEN_SIM, WEB_URL, launch } from "./browser";
import { useHeygenWebhook } from "./heygen-webhook";
import { DESKTOP, accessible, captionsShowAndHide, followSteps, screenshot, signUp, videoPlays } from "./steps";
import { useStack } from "../../functions/test/helpers/use-stack";

const SCRIPT = "Hello from Masky. This video was made from a script.";

describe("web client: presenter videos, export and account deletion in headless Chromium", function () {
  this.timeout(240000);
  useStack({ servers: ["storage", "heygen"] });
  useHeygenWebhook();
  let browser: Browser;
  let page: Page;

  before(async () => {
    browser = await launch();
    page = await (await browser.newContext({ viewport: DESKTOP, acceptDownloads: true })).newPage();
    page.on("pageerror", (e) => console.log(`      [page error] ${e.message}`));
  });
  after(async () => {
    await browser?.close();
  });

  it("presenter + voice + script → generate → the video plays; export downloads JSON; delete signs out and erases", async () => {
    await signUp(page);
    // Only the age: the presenter way sends nothing of the user's to HeyGen.
    await page.getByLabel("I am 18 years old or older").check();
    await page.getByRole("button", { name: "Save my choices" }).click();
    await page.getByRole("heading", { name: "Talking video" }).waitFor();
    assert.equal(await page.getByLabel("A presenter reading my text").isChecked(), true);
    await page.getByText("give your consent").waitFor({ state: "hidden" });

    const presenters = page.locator(".presenter label");
    await presenters.first().waitFor();
    assert.ok((await presenters.count()) > 1, "the public presenters are listed");
    await page.locator("#voice-select:not([disabled])").waitFor();
    assert.ok((await page.locator("#voice-select option").count()) > 2, "the voices are listed");
    await presenters.nth(1).click();
    await page.getByLabel("Voice", { exact: true }).selectOption({ index: 1 });
    // The preview plays HeyGen's own sample link (here the simulator's: presenter-pictures.test.ts).
    await page.getByRole("button", { name: "Listen to this voice" }).click();
    assert.ok(((await page.getByLabel("Voice sample").getAttribute("src")) ?? "").startsWith(`${HEYGEN_SIM}/media/previews/voices/`));
    const create = page.getByRole("button", { name: "Create my talking video" });
    assert.equal(await create.isDisabled(), true, "no script yet");
    await page.getByLabel("What the presenter says").fill(SCRIPT);
    await accessible(page, "talking video, presenter");
    await screenshot(page, "8-talking-video-presenter");
    await create.click();
    const steps = await followSteps(page, "Done");
    assert.equal(steps.at(-1), "Done", steps.join(" → "));
    await videoPlays(page);
    await captionsShowAndHide(page, SCRIPT);

    await page.getByRole("link", { name: "My data" }).click();
    await page.locator("[data-project]").first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download my data (JSON)" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "masky-export.json");
    const exported = JSON.parse(await readFile((await download.path()) as string, "utf8")) as {
      uid: string;
      projects: { name?: string; data?: { name?: string } }[];
    };
    assert.equal(exported.projects.length, 1, JSON.stringify(exported.projects).slice(0, 300));
    const uid = exported.uid;
    assert.equal((await db().collection("projects").where("userId", "==", uid).get()).size, 1);
    await page.getByText(/downloaded as masky-export\.json/).waitFor();
    await accessible(page, "my data, exported");
    await screenshot(page, "9-my-data-export");

    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 60000 });
    assert.equal(new URL(page.url()).pathname, "/signin");
    const auth = await adminAuth()
      .getUser(uid)
      .then(() => "still there", (e: { code?: string }) => e.code);
    assert.equal(auth, "auth/user-not-found");
    assert.equal((await db().collection("projects").where("userId", "==", uid).get()).size, 0);
    assert.equal((await db().doc(`users/${uid}`).get()).exists, false);
    // Signed out for good: a reload stays on the sign-in page.
    await page.goto(`${WEB_URL}/data`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
  });
});
