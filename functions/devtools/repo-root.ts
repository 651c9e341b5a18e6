/**
 * The repository root: the nearest folder above this file that holds firebase.json.
 * Found, not counted in `..` steps, so a copy of functions/ inside the repository (the
 * mutation-testing sandbox, functions/.stryker-tmp/sandbox-…/) reads the same README,
 * docs and firebase.json as the original.
 */
import { existsSync } from "node:fs";
import path from "node:path";

export function findRepoRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "firebase.json"))) return dir;
    if (path.dirname(dir) === dir) {
      throw new Error(`no firebase.json in ${from} or any folder above it`);
    }
  }
}

export const REPO_ROOT = findRepoRoot();
