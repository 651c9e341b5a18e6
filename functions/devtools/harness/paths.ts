import path from "node:path";

/** Repository root (this file lives in functions/devtools/harness). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
export const FUNCTIONS_DIR = path.join(REPO_ROOT, "functions");
export const CACHE_DIR = path.join(REPO_ROOT, ".cache");
export const FIREBASE_BIN = path.join(REPO_ROOT, "node_modules", ".bin", "firebase");
