/**
 * `npm start`: the whole backend on this machine, offline.
 *
 * - writes functions/.env.local and functions/.secret.local (emulator-only files) with
 *   the simulators' URLs and keys when they do not exist yet; when they exist (real
 *   keys, real URLs) they are used as they are;
 * - starts the local Storage server, the HeyGen simulator and the three photoreal
 *   provider simulators (only where the configuration points at them);
 * - starts the Firebase Emulator Suite (functions, firestore, auth, pubsub, tasks) with
 *   the offline emulator binaries when installed;
 * - runs the scheduled work (HeyGen poller, avatar job sweep) every minute, because
 *   scheduled functions do not fire by themselves in the emulator;
 * - Ctrl-C stops everything (the CLI shuts its Java emulators down).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { detectEmulatorBinaries } from "../harness/emulator-binaries";
import { CACHE_DIR, FIREBASE_BIN, FUNCTIONS_DIR, REPO_ROOT } from "../harness/paths";
import { ensureDevSigner } from "../dev-signer";
import { PORTS, localUrl } from "../ports";
import { SIMULATED_SECRETS, simulatedParams, storageEmulatorEnv, toDotenv } from "../stack-env";
import { startStorageServer } from "../storage-server/server";
import { startHeygenSim } from "../heygen-sim/server";
import { startAvatarSdkSim } from "../provider-sims/avatar-sdk-sim";
import { startDidimoSim } from "../provider-sims/didimo-sim";
import { startIn3dSim } from "../provider-sims/in3d-sim";

export const LOCAL_PROJECT_ID = "demo-masky";
const HUB = "http://127.0.0.1:4400";

function parseDotenv(file: string): Record<string, string> {
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

async function waitForHub(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${HUB}/emulators`);
      if (res.ok) {
        const body = (await res.json()) as Record<string, unknown>;
        if (body.functions && body.firestore && body.auth) return true;
      }
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}

async function main(): Promise<void> {
  const { params, secrets, created } = ensureLocalConfig();
  const points = (value: string | undefined, port: number) =>
    value?.startsWith(localUrl(port)) === true;
  const signer = ensureDevSigner(CACHE_DIR, LOCAL_PROJECT_ID);
  const servers: { close(): Promise<void> }[] = [];
  servers.push(
    await startStorageServer({ port: PORTS.storage, signerPublicKey: signer.publicKeyPem }),
  );
  const lines = [`Storage (GCS JSON API subset)  ${localUrl(PORTS.storage)}`];
  if (points(params.HEYGEN_API_BASE_URL, PORTS.heygenApi)) {
    servers.push(
      await startHeygenSim({
        apiPort: PORTS.heygenApi,
        uploadPort: PORTS.heygenUpload,
        apiKey: secrets.HEYGEN_API_KEY,
      }),
    );
    lines.push(
      `HeyGen simulator               ${localUrl(PORTS.heygenApi)} (upload ${localUrl(PORTS.heygenUpload)})`,
    );
  } else {
    lines.push(`HeyGen                         ${params.HEYGEN_API_BASE_URL} (real API)`);
  }
  const providerUrl = params.PROVIDER_API_BASE_URL;
  const [clientId, clientSecret] = (secrets.PROVIDER_API_KEY ?? "").split(":");
  if (points(providerUrl, PORTS.avatarSdk)) {
    servers.push(await startAvatarSdkSim({ port: PORTS.avatarSdk, clientId, clientSecret }));
    lines.push(`Avatar SDK simulator           ${localUrl(PORTS.avatarSdk)}`);
  } else if (points(providerUrl, PORTS.didimo)) {
    servers.push(await startDidimoSim({ port: PORTS.didimo, apiKey: secrets.PROVIDER_API_KEY }));
    lines.push(`Didimo simulator               ${localUrl(PORTS.didimo)}`);
  } else if (points(providerUrl, PORTS.in3d)) {
    const sim = await startIn3dSim({ port: PORTS.in3d, token: secrets.PROVIDER_API_KEY });
    servers.push(sim);
    lines.push(
      `in3D simulator                 ${localUrl(PORTS.in3d)} (POST /_sim/scans/<id>/capture simulates the scan)`,
    );
  } else {
    lines.push(`Photoreal provider ${params.PROVIDER}    ${providerUrl || "(its public API)"}`);
  }

  const binaries = detectEmulatorBinaries();
  binaries.notes.forEach((n) => console.log(`[stack] ${n}`));
  const env = {
    ...process.env,
    ...binaries.env,
    ...storageEmulatorEnv(),
    GOOGLE_APPLICATION_CREDENTIALS: signer.credentialsFile,
  };
  const child = spawn(
    FIREBASE_BIN,
    [
      "--non-interactive",
      "emulators:start",
      "--project",
      LOCAL_PROJECT_ID,
      "--only",
      "functions,firestore,auth,pubsub,tasks",
    ],
    { cwd: REPO_ROOT, env, stdio: ["ignore", "inherit", "inherit"] },
  );

  let stopping = false;
  const ticker: { timer?: NodeJS.Timeout } = {};
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (ticker.timer) clearInterval(ticker.timer);
    console.log("\n[stack] stopping…");
    if (child.exitCode === null) {
      child.kill("SIGINT");
      await new Promise((r) => child.once("exit", r));
    }
    await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  child.on("exit", (code) => void stop(code ?? 1));

  if (!(await waitForHub(120000))) {
    console.error("[stack] the emulators did not start within 2 minutes");
    return stop(1);
  }
  // Scheduled work, run here against the emulators with the same configuration.
  Object.assign(process.env, params, secrets, storageEmulatorEnv(), {
    FIRESTORE_EMULATOR_HOST: "127.0.0.1:8080",
    FIREBASE_AUTH_EMULATOR_HOST: "127.0.0.1:9099",
    GCLOUD_PROJECT: LOCAL_PROJECT_ID,
    GOOGLE_APPLICATION_CREDENTIALS: signer.credentialsFile,
    FUNCTIONS_EMULATOR: "true",
  });
  const [{ getAppContext }, { pollHeygenVideos }, { advanceAvatarJobs }] = await Promise.all([
    import("../../src/context"),
    import("../../src/services/heygen/poll-videos"),
    import("../../src/services/avatar/advance-jobs"),
  ]);
  const tick = async () => {
    const app = getAppContext();
    await pollHeygenVideos(app, { budgetMs: 40000 }).catch((e: Error) =>
      console.error(`[stack] poller: ${e.message}`),
    );
    await advanceAvatarJobs(app, { budgetMs: 40000 }).catch((e: Error) =>
      console.error(`[stack] avatar jobs: ${e.message}`),
    );
  };
  ticker.timer = setInterval(() => void tick(), 60000);

  const fn = (name: string) => `http://127.0.0.1:5001/${LOCAL_PROJECT_ID}/us-central1/${name}`;
  console.log(`
Masky local stack is up (project ${LOCAL_PROJECT_ID}${created ? "; wrote functions/.env.local and .secret.local" : ""}).
  Functions   ${fn("generate")}/api/heygen/generate   (every function: ${fn("<name>")})
  Auth        http://127.0.0.1:9099   Firestore 127.0.0.1:8080   Emulator hub ${HUB}
  ${lines.join("\n  ")}
  Scheduled   poll_heygen_videos and advance_avatar_jobs run every minute from this process
Press Ctrl-C to stop everything.`);
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(`[stack] ${err.message}`);
    process.exit(1);
  });
}
