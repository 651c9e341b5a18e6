/**
 * Finds the emulators installed with the Google Cloud CLI's Debian packages (the
 * official Cloud Firestore emulator jar, the same one the Firebase CLI would download,
 * and the Pub/Sub emulator, under its `platform/` folder) and points the Firebase CLI
 * at them, so nothing is downloaded. The Firestore jar has no Main-Class, so a tiny
 * launcher jar whose manifest names it is built into the ignored .cache folder. Where
 * the gcloud files are absent, nothing is set and the CLI behaves normally (it
 * downloads its jars).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CACHE_DIR } from "./paths";

const SDK = process.env.CLOUDSDK_ROOT_DIR ?? "/usr/lib/google-cloud-sdk";
export const GCLOUD_FIRESTORE_JAR = path.join(
  SDK,
  "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar",
);
export const GCLOUD_PUBSUB_BIN = path.join(
  SDK,
  "platform/pubsub-emulator/bin/cloud-pubsub-emulator",
);
const FIRESTORE_MAIN = "com.google.cloud.datastore.emulator.firestore.CloudFirestore";

export interface EmulatorBinaries {
  env: Record<string, string>;
  notes: string[];
}

function buildLauncherJar(targetJar: string): string {
  const dir = path.join(CACHE_DIR, "emulators");
  const launcher = path.join(dir, "firestore-launcher.jar");
  const manifest = `Main-Class: ${FIRESTORE_MAIN}\nClass-Path: file:${targetJar}\n`;
  const manifestFile = path.join(dir, "manifest.txt");
  if (
    existsSync(launcher) &&
    existsSync(manifestFile) &&
    readFileSync(manifestFile, "utf8") === manifest
  ) {
    return launcher;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(manifestFile, manifest);
  rmSync(launcher, { force: true });
  try {
    execFileSync("jar", ["cfm", launcher, manifestFile], { stdio: "pipe" });
  } catch {
    // No JDK `jar` tool: a jar is a zip with the manifest at META-INF/MANIFEST.MF.
    execFileSync("python3", [
      "-c",
      "import sys,zipfile;z=zipfile.ZipFile(sys.argv[1],'w');z.write(sys.argv[2],'META-INF/MANIFEST.MF');z.close()",
      launcher,
      manifestFile,
    ]);
  }
  return launcher;
}

export function detectEmulatorBinaries(env: NodeJS.ProcessEnv = process.env): EmulatorBinaries {
  const out: Record<string, string> = {};
  const notes: string[] = [];
  if (env.FIRESTORE_EMULATOR_BINARY_PATH) {
    notes.push(
      `Firestore emulator: FIRESTORE_EMULATOR_BINARY_PATH=${env.FIRESTORE_EMULATOR_BINARY_PATH} (already set)`,
    );
  } else if (existsSync(GCLOUD_FIRESTORE_JAR)) {
    out.FIRESTORE_EMULATOR_BINARY_PATH = buildLauncherJar(GCLOUD_FIRESTORE_JAR);
    notes.push(
      `Firestore emulator: gcloud jar ${GCLOUD_FIRESTORE_JAR} via launcher ${out.FIRESTORE_EMULATOR_BINARY_PATH}`,
    );
  } else {
    notes.push("Firestore emulator: gcloud jar not found; the Firebase CLI will download its own");
  }
  if (env.PUBSUB_EMULATOR_BINARY_PATH) {
    notes.push(
      `Pub/Sub emulator: PUBSUB_EMULATOR_BINARY_PATH=${env.PUBSUB_EMULATOR_BINARY_PATH} (already set)`,
    );
  } else if (existsSync(GCLOUD_PUBSUB_BIN)) {
    out.PUBSUB_EMULATOR_BINARY_PATH = GCLOUD_PUBSUB_BIN;
    notes.push(`Pub/Sub emulator: ${GCLOUD_PUBSUB_BIN}`);
  } else {
    notes.push(
      "Pub/Sub emulator: gcloud emulator not found; the Firebase CLI will download its own",
    );
  }
  return { env: out, notes };
}
