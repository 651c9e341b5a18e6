/**
 * Debian packages a test run needs from outside npm: Chromium (the browser tests drive
 * Debian's build; nothing downloads a browser) and espeak-ng (the HeyGen simulator's
 * speech). Before a run the harness installs the missing ones with apt-get when it may
 * (as root, or through sudo without a password), else stops before the run with one
 * line saying what to install. The decision is a pure function of what is installed
 * and who runs it; the probes and the install are the small impure part around it.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import path from "node:path";

export interface SystemPackage {
  /** The Debian package. */
  name: string;
  /** The programs it installs, any one of which means it is there. */
  programs: string[];
  neededFor: string;
}

export const CHROMIUM: SystemPackage = {
  name: "chromium",
  programs: ["chromium", "chromium-browser"],
  neededFor: "the browser tests",
};
export const ESPEAK_NG: SystemPackage = {
  name: "espeak-ng",
  programs: ["espeak-ng"],
  neededFor: "the HeyGen simulator's speech",
};

/** The packages a run of these mocha arguments needs (no spec file: the whole suite). */
export function packagesFor(mochaArgs: string[]): SystemPackage[] {
  const specs = mochaArgs.filter((a) => !a.startsWith("-"));
  const browser = specs.length === 0 || specs.some((s) => /(^|\/)web\//.test(s));
  return browser ? [CHROMIUM, ESPEAK_NG] : [ESPEAK_NG];
}

export type InstallPlan =
  | { action: "none" }
  | { action: "install"; packages: string[]; commands: string[][] }
  | { action: "stop"; message: string };

/** What to do about `missing` packages, given whether we are root and may sudo without a password. */
export function planInstall(facts: {
  missing: SystemPackage[];
  isRoot: boolean;
  canSudo: boolean;
}): InstallPlan {
  const names = facts.missing.map((p) => p.name);
  if (names.length === 0) return { action: "none" };
  if (facts.isRoot || facts.canSudo) {
    const sudo = facts.isRoot ? [] : ["sudo", "-n"];
    return {
      action: "install",
      packages: names,
      commands: [
        [...sudo, "apt-get", "update"],
        [...sudo, "apt-get", "install", "-y", ...names],
      ],
    };
  }
  const why = facts.missing.map((p) => `${p.name} (${p.neededFor})`).join(", ");
  return {
    action: "stop",
    message:
      `[harness] missing Debian packages: ${why}; install them with ` +
      `\`sudo apt-get update && sudo apt-get install -y ${names.join(" ")}\` and run the tests again.`,
  };
}

/** Whether `program` is an executable file in one of the PATH's folders. */
export function onPath(program: string, searchPath = process.env.PATH ?? ""): boolean {
  return searchPath
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) => {
      const file = path.join(dir, program);
      try {
        accessSync(file, constants.X_OK);
        return statSync(file).isFile();
      } catch {
        return false;
      }
    });
}

/** The packages of `wanted` that are not installed (CHROMIUM_PATH counts for Chromium, as the browser tests read it). */
export function missingPackages(
  wanted: SystemPackage[],
  env: NodeJS.ProcessEnv = process.env,
): SystemPackage[] {
  return wanted.filter((p) => {
    if (p === CHROMIUM && env.CHROMIUM_PATH && existsSync(env.CHROMIUM_PATH)) return false;
    return !p.programs.some((program) => onPath(program, env.PATH ?? ""));
  });
}

const isRoot = (): boolean => process.getuid?.() === 0;
const canSudo = (): boolean => spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;

/**
 * Installs what a run of `mochaArgs` is missing when it may; returns a line to stop
 * with when something is still missing (null: ready).
 */
export function ensureSystemPackages(mochaArgs: string[]): string | null {
  const wanted = packagesFor(mochaArgs);
  const missing = missingPackages(wanted);
  if (missing.length === 0) return null;
  const plan = planInstall({ missing, isRoot: isRoot(), canSudo: !isRoot() && canSudo() });
  if (plan.action === "stop") return plan.message;
  if (plan.action === "install") {
    console.log(`[harness] installing ${plan.packages.join(", ")} (Debian packages) with apt-get`);
    for (const [cmd, ...args] of plan.commands) {
      const run = spawnSync(cmd, args, { stdio: "inherit" });
      if (run.status !== 0) break;
    }
  }
  const still = missingPackages(wanted);
  return still.length === 0
    ? null
    : `[harness] ${still.map((p) => p.name).join(", ")} still missing after apt-get: install ${still
        .map((p) => p.name)
        .join(" ")} and run the tests again.`;
}
