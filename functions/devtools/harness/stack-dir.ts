/**
 * A throw-away Firebase project folder under .cache/ whose functions source links
 * to the real build (lib/, node_modules/) but carries its own .env.local and
 * .secret.local. Tests therefore never read or overwrite the developer's
 * functions/.env.local or .secret.local (which may hold real API keys).
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CACHE_DIR, FUNCTIONS_DIR, REPO_ROOT } from "./paths";
import { toDotenv } from "../stack-env";
import { localHosting, type HostingConfig } from "./hosting-config";

export interface StackDir {
  dir: string;
  configFile: string;
}

/** (Re)writes the stack's emulator-only params and secrets; the Functions emulator reads them on (re)load. */
export function writeStackConfig(
  dir: string,
  params: Record<string, string>,
  secrets: Record<string, string>,
): void {
  const fnDir = path.join(dir, "functions");
  writeFileSync(path.join(fnDir, ".env.local"), toDotenv(params));
  writeFileSync(path.join(fnDir, ".secret.local"), toDotenv(secrets));
}

export function createStackDir(
  name: string,
  params: Record<string, string>,
  secrets: Record<string, string>,
): StackDir {
  const dir = path.join(CACHE_DIR, `${name}-stack`);
  rmSync(dir, { recursive: true, force: true });
  const fnDir = path.join(dir, "functions");
  mkdirSync(fnDir, { recursive: true });
  copyFileSync(path.join(FUNCTIONS_DIR, "package.json"), path.join(fnDir, "package.json"));
  symlinkSync(path.join(FUNCTIONS_DIR, "lib"), path.join(fnDir, "lib"), "dir");
  symlinkSync(path.join(FUNCTIONS_DIR, "node_modules"), path.join(fnDir, "node_modules"), "dir");
  writeStackConfig(dir, params, secrets);

  const config = JSON.parse(readFileSync(path.join(REPO_ROOT, "firebase.json"), "utf8")) as {
    functions: { source: string; predeploy?: string[] }[];
    firestore: { rules: string; indexes: string };
    storage: { rules: string };
    hosting: HostingConfig;
    emulators: Record<string, { port?: number }>;
  };
  for (const fn of config.functions) {
    fn.source = "functions";
    delete fn.predeploy;
  }
  config.firestore.rules = path.join(REPO_ROOT, "firestore.rules");
  config.firestore.indexes = path.join(REPO_ROOT, "firestore.indexes.json");
  config.storage.rules = path.join(REPO_ROOT, "storage.rules");
  config.hosting = localHosting(config.hosting, config.emulators, dir);
  const configFile = path.join(dir, "firebase.json");
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  return { dir, configFile };
}
