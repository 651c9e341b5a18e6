/**
 * The local stack's configuration, shared by `npm start` and `npm run demo`: the
 * emulator-only functions/.env.local and .secret.local, the emulator addresses, and
 * the environment a Node process needs to use the stack's Firestore, Auth and Storage
 * with the same params and secrets as the functions.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { FUNCTIONS_DIR } from "../harness/paths";
import { SIMULATED_SECRETS, simulatedParams, storageEmulatorEnv, toDotenv } from "../stack-env";

export const LOCAL_PROJECT_ID = "demo-masky";
export const HUB = "http://127.0.0.1:4400";

export function parseDotenv(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if (v.startsWith('"') && v.endsWith('"')) v = JSON.parse(v) as string;
    out[m[1]] = v;
  }
  return out;
}

/**
 * Appends to an existing dotenv file every key of `defaults` it lacks (a param added
 * since the file was written), keeping what the user edited; returns the keys added.
 * Without this the Functions emulator asks for the missing param on the terminal and
 * the stack waits forever.
 */
export function completeDotenv(file: string, defaults: Record<string, string>): string[] {
  const present = parseDotenv(file);
  const missing = Object.keys(defaults).filter((k) => !(k in present));
  if (missing.length === 0) return [];
  const text = readFileSync(file, "utf8");
  const lines = Object.fromEntries(missing.map((k) => [k, defaults[k]]));
  appendFileSync(
    file,
    `${text.endsWith("\n") || text === "" ? "" : "\n"}# Added by npm start: params new since this file was written.\n${toDotenv(lines)}`,
  );
  return missing;
}

/** Writes the emulator-only config files once; returns the values in force. */
export function ensureLocalConfig(): {
  params: Record<string, string>;
  secrets: Record<string, string>;
  created: boolean;
} {
  const envFile = path.join(FUNCTIONS_DIR, ".env.local");
  const secretFile = path.join(FUNCTIONS_DIR, ".secret.local");
  let created = false;
  const header =
    "# Emulator-only configuration written by `npm start`; edit freely (real keys and URLs work too).\n";
  if (!existsSync(envFile)) {
    writeFileSync(envFile, header + toDotenv(simulatedParams(LOCAL_PROJECT_ID)));
    created = true;
  } else {
    const added = completeDotenv(envFile, simulatedParams(LOCAL_PROJECT_ID));
    if (added.length > 0) console.log(`functions/.env.local: added ${added.join(", ")}`);
  }
  if (!existsSync(secretFile)) {
    writeFileSync(secretFile, header + toDotenv({ ...SIMULATED_SECRETS }), { mode: 0o600 });
    created = true;
  }
  return {
    params: { ...simulatedParams(LOCAL_PROJECT_ID), ...parseDotenv(envFile) },
    secrets: parseDotenv(secretFile),
    created,
  };
}

/** The line `npm start` prints when everything is up (`npm run demo` waits for it). */
export const READY_MARKER = "Masky local stack is up";

export const EMULATORS = {
  hub: HUB,
  firestore: "127.0.0.1:8080",
  auth: "127.0.0.1:9099",
  functions: "127.0.0.1:5001",
};

export const functionUrl = (name: string, suffix = ""): string =>
  `http://${EMULATORS.functions}/${LOCAL_PROJECT_ID}/us-central1/${name}${suffix}`;

/** Points this process's Admin SDK and param reads at the running stack. */
export function useStackFromThisProcess(
  params: Record<string, string>,
  secrets: Record<string, string>,
  credentialsFile: string,
): void {
  Object.assign(process.env, params, secrets, storageEmulatorEnv(), {
    FIRESTORE_EMULATOR_HOST: EMULATORS.firestore,
    FIREBASE_AUTH_EMULATOR_HOST: EMULATORS.auth,
    GCLOUD_PROJECT: LOCAL_PROJECT_ID,
    GOOGLE_APPLICATION_CREDENTIALS: credentialsFile,
    FUNCTIONS_EMULATOR: "true",
  });
}

/** Whether the Emulator Hub lists the functions, Firestore and Auth emulators. */
export async function emulatorsRunning(): Promise<boolean> {
  try {
    const res = await fetch(`${HUB}/emulators`, { signal: AbortSignal.timeout(2000) });
    const running = (await res.json()) as Record<string, unknown>;
    return Boolean(running.functions && running.firestore && running.auth);
  } catch {
    return false;
  }
}

/** The hub lists the Functions emulator before it has loaded the functions: ask one. */
export async function functionsLoaded(): Promise<boolean> {
  const status = await fetch(functionUrl("me", "/api/me")).then(
    (r) => r.status,
    () => 0,
  );
  return status === 401; // loaded: it wants a token
}
