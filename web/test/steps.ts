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

export async function signUp(page: Page): Promise<string> {
  const email = `web-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.test`;
  await page.goto(`${WEB_URL}/`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.getByRole("button", { name: "New here? Create an account" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("secret-password");
  await page.getByRole("button", { name: "Create account" }).click();
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

