/** Steps shared by the browser suites: sign-up, consent, axe, screenshots. */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { WEB_URL } from "./browser";

/** Relative to the repository root (mocha runs in functions/). */
const SHOTS = process.env.MASKY_SCREENSHOTS
  ? path.resolve(__dirname, "..", "..", process.env.MASKY_SCREENSHOTS)
  : undefined;
export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 360, height: 780 };

export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(SHOTS, `${name}-360.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

/** axe: no serious or critical violation on the screen as it is now. */
export async function accessible(page: Page, screen: string): Promise<void> {
  if (!(await page.locator("main h1").count())) {
    console.log(`      [${screen}] ${page.url()}: ${(await page.content()).slice(0, 600)}`);
  }
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
    [],
    `axe on ${screen}`,
  );
}

/** Creates an account on the sign-in screen; what the page shows next is the caller's to check. */
export async function createAccount(page: Page): Promise<string> {
  const email = `web-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.test`;
  await page.goto(`${WEB_URL}/`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.getByRole("button", { name: "New here? Create an account" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("secret-password");
  await page.getByRole("button", { name: "Create account" }).click();
  return email;
}

/** A new account, on the consent screen a new user meets first. */
export async function signUp(page: Page): Promise<string> {
  const email = await createAccount(page);
  await page.getByRole("heading", { name: "Your consent" }).waitFor();
  return email;
}

export async function giveConsent(page: Page): Promise<void> {
  await page.getByLabel("I am 18 years old or older").check();
  await page.getByLabel("Your photo for talking videos").check();
  await page.getByLabel("Your voice for talking videos").check();
  await page.getByRole("button", { name: "Save my choices" }).click();
  await page.getByRole("heading", { name: "Talking video" }).waitFor();
}

/** The named steps the page shows, in the order they became current (polled, no reload). */
export async function followSteps(page: Page, until: "Done" | "failed", timeoutMs = 120000): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const current = (await page.locator('.steps li[aria-current="step"]').allTextContents())[0] ?? "";
    if (current && seen[seen.length - 1] !== current) seen.push(current);
    const alert = (await page.locator('.error[role="alert"]:not([hidden])').allTextContents()).join(" ");
    if (until === "failed" && alert) return seen;
    if (until === "Done" && current === "Done") return seen;
    if (until === "Done" && alert) throw new Error(`failed: ${alert} after ${seen.join(" → ")}`);
    await page.waitForTimeout(150);
  }
  throw new Error(`no ${until} within ${timeoutMs} ms; steps: ${seen.join(" → ")}`);
}

export async function videoPlays(page: Page): Promise<void> {
  const player = page.locator("#result-video");
  await player.waitFor({ state: "visible" });
  const advanced = await player.evaluate(async (v) => {
    const el = v as HTMLVideoElement;
    el.muted = true;
    await el.play();
    const start = el.currentTime;
    await new Promise((r) => setTimeout(r, 1500));
    return el.currentTime - start;
  });
  assert.ok(advanced > 0.3, `currentTime advanced by ${advanced}`);
  const href = await page.getByRole("link", { name: "Download the video" }).getAttribute("href");
  const res = await fetch(href ?? "");
  assert.equal(res.status, 200);
  assert.ok((await res.arrayBuffer()).byteLength > 1000);
}

/** The player's captions: a `<track>` showing by default with the expected words; the toggle hides and shows it. */
export async function captionsShowAndHide(page: Page, spoken: string): Promise<void> {
  const player = page.locator("#result-video");
  await page.locator('#result-video track[kind="captions"]').waitFor({ state: "attached" });
  const mode = () => player.evaluate((v) => (v as HTMLVideoElement).textTracks[0]?.mode);
  assert.equal(await mode(), "showing", "captions are on by default");
  await page.waitForFunction(() => ((document.querySelector("#result-video") as HTMLVideoElement).textTracks[0]?.cues?.length ?? 0) > 0);
  const text = await player.evaluate((v) =>
    Array.from((v as HTMLVideoElement).textTracks[0].cues ?? [], (c) => (c as VTTCue).text).join(" "),
  );
  assert.deepEqual(text.split(/\s+/), spoken.split(/\s+/));
  await page.getByRole("button", { name: "Hide captions" }).click();
  assert.equal(await mode(), "hidden");
  await page.getByRole("button", { name: "Show captions" }).click();
  assert.equal(await mode(), "showing");
}
