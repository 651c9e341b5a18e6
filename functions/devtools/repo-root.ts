/**
 * The repository root, for the devtools that read or write its pages (README.md, docs/).
 * It is the nearest folder above a file that holds both README.md and functions/, so a
 * copy of functions/ nested inside the repository (Stryker's sandbox under
 * functions/.stryker-tmp/) still finds the real pages.
 */
import { existsSync } from "node:fs";
import path from "node:path";

export function findRepoRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "README.md")) && existsSync(path.join(dir, "functions")))
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root above ${from}`);
  }
}

export const REPO_ROOT = findRepoRoot(__dirname);
