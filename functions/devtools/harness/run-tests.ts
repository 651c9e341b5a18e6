/**
 * `npm test`: installs the Debian packages the run needs when they are missing (Chromium,
 * espeak-ng: system-packages.ts), starts the Firebase Emulator Suite once (functions,
 * firestore, auth, pubsub, tasks) with the offline emulator binaries when they are installed, runs the
 * mocha suite inside `firebase emulators:exec` (the whole suite, or only the spec files given
 * after `npm test --`), and stops everything.
 * The local Storage server and the simulators are started by the suite itself
 * (useServers / useProvider in test/helpers/) on the fixed ports the functions are
 * configured with.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { detectEmulatorBinaries } from "./emulator-binaries";
import { createStackDir } from "./stack-dir";
import { ensureSystemPackages } from "./system-packages";
import { CACHE_DIR, FIREBASE_BIN, FUNCTIONS_DIR } from "./paths";
import { ensureDevSigner } from "../dev-signer";
import {
  SIMULATED_SECRETS,
  TEST_PROJECT_ID,
  simulatedParams,
  storageEmulatorEnv,
} from "../stack-env";

function main(): void {
  if (!existsSync(path.join(FUNCTIONS_DIR, "lib", "index.js"))) {
    console.error("functions/lib is missing: run `npm --prefix functions run build` first.");
    process.exit(1);
  }
  if (!existsSync(FIREBASE_BIN)) {
    console.error("firebase-tools is not installed: run `npm ci` at the repository root.");
    process.exit(1);
  }
  // Debian's Chromium and espeak-ng: installed here when missing and allowed, else a stop.
  const missing = ensureSystemPackages(process.argv.slice(2));
  if (missing) {
    console.error(missing);
    process.exit(1);
  }
  const binaries = detectEmulatorBinaries();
  for (const note of binaries.notes) console.log(`[harness] ${note}`);

  const params = simulatedParams(TEST_PROJECT_ID);
  const stack = createStackDir("test", params, { ...SIMULATED_SECRETS });
  console.log(`[harness] emulator project folder: ${stack.dir}`);

  // Spec files given after `npm test --` run alone; with none, the whole suite runs.
  // Mocha runs in functions/: paths given from the repository root lose their prefix.
  // The browser tests of the web client (web/test/) run in the same mocha process.
  const given = process.argv
    .slice(2)
    .map((a) => a.replace(/^(\.\/)?functions\//, "").replace(/^(\.\/)?web\//, "../web/"));
  const specs = given.some((a) => !a.startsWith("-"))
    ? []
    : ["test/**/*.test.ts", "../web/test/**/*.test.ts"];
  const mochaArgs = [...given, ...specs].map((a) => JSON.stringify(a)).join(" ");
  const mocha = `cd ${JSON.stringify(FUNCTIONS_DIR)} && node_modules/.bin/mocha ${mochaArgs}`;
  const signer = ensureDevSigner(CACHE_DIR, TEST_PROJECT_ID);
  const env = {
    ...process.env,
    GOOGLE_APPLICATION_CREDENTIALS: signer.credentialsFile,
    ...binaries.env,
    ...storageEmulatorEnv(),
    // The mocha process sees the same params and secrets as the functions.
    ...params,
    ...SIMULATED_SECRETS,
    GCLOUD_PROJECT: TEST_PROJECT_ID,
    MASKY_TEST_PROJECT_ID: TEST_PROJECT_ID,
    // Lets a suite redeploy the emulated functions with other params (test/helpers/stack.ts).
    MASKY_TEST_STACK_DIR: stack.dir,
  };
  const args = [
    "--non-interactive",
    "emulators:exec",
    "--config",
    stack.configFile,
    "--project",
    TEST_PROJECT_ID,
    "--only",
    "functions,firestore,auth,pubsub,tasks,hosting",
    mocha,
  ];
  console.log(`[harness] firebase ${args.slice(0, -1).join(" ")} '<mocha>'`);
  const child = spawn(FIREBASE_BIN, args, {
    env,
    stdio: ["ignore", "inherit", "inherit"],
    cwd: stack.dir,
  });
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  child.on("exit", (code, signal) => {
    process.exit(code ?? (signal ? 1 : 0));
  });
}

main();
