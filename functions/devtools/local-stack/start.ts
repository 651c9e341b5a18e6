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
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { detectEmulatorBinaries } from "../harness/emulator-binaries";
import { CACHE_DIR, FIREBASE_BIN, REPO_ROOT } from "../harness/paths";
import { ensureDevSigner } from "../dev-signer";
import { PORTS, localUrl } from "../ports";
import { storageEmulatorEnv } from "../stack-env";
import { startStorageServer } from "../storage-server/server";
import { startHeygenSim } from "../heygen-sim/server";
import { startAvatarSdkSim } from "../provider-sims/avatar-sdk-sim";
import { startDidimoSim } from "../provider-sims/didimo-sim";
import { startIn3dSim } from "../provider-sims/in3d-sim";
import { until } from "../wait";
import { localHosting, type HostingConfig } from "../harness/hosting-config";
import { registerWebhookEndpoint } from "../../src/clients/heygen/webhooks";
import {
  HUB,
  LOCAL_PROJECT_ID,
  READY_MARKER,
  emulatorsRunning,
  ensureLocalConfig,
  functionUrl,
  functionsLoaded,
  useStackFromThisProcess,
} from "./config";

/** Where the Hosting emulator serves the web client (firebase.json emulators.hosting). */
export const WEB_URL = "http://127.0.0.1:5000";

/**
 * firebase.json with the local Hosting section (CSP that also allows the emulators),
 * written beside it (git-ignored) so every relative path in it stays valid.
 */
function writeLocalConfig(): string {
  const config = JSON.parse(readFileSync(path.join(REPO_ROOT, "firebase.json"), "utf8")) as {
    hosting: HostingConfig;
    emulators: Record<string, { port?: number }>;
  };
  config.hosting = localHosting(config.hosting, config.emulators, REPO_ROOT);
  const file = path.join(REPO_ROOT, "firebase.local.json");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
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
  const heygenSimulated = points(params.HEYGEN_API_BASE_URL, PORTS.heygenApi);
  if (heygenSimulated) {
    servers.push(
      await startHeygenSim({
        apiPort: PORTS.heygenApi,
        uploadPort: PORTS.heygenUpload,
        apiKey: secrets.HEYGEN_API_KEY,
        // The functions verify webhook events with the secret already in .secret.local.
        webhookSecret: secrets.HEYGEN_WEBHOOK_SECRET,
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
      "--config",
      writeLocalConfig(),
      "--project",
      LOCAL_PROJECT_ID,
      "--only",
      "functions,firestore,auth,pubsub,tasks,hosting",
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

  try {
    const up = async (ready: () => Promise<boolean>) => ((await ready()) ? true : null);
    await until("waiting for the emulators", 120000, () => up(emulatorsRunning), 1000);
    await until("waiting for the functions to load", 120000, () => up(functionsLoaded), 1000);
  } catch (err) {
    console.error(`[stack] ${(err as Error).message}`);
    return stop(1);
  }
  // Scheduled work, run here against the emulators with the same configuration.
  useStackFromThisProcess(params, secrets, signer.credentialsFile);
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

  if (heygenSimulated) {
    // As an operator does once per deployment (devtools/register-heygen-webhook.ts).
    const url = functionUrl("heygen_webhook", "/api/heygen/webhook");
    try {
      await fetch(url, { method: "OPTIONS" }); // warm: HeyGen's URL check allows one second
      const { endpointId } = await registerWebhookEndpoint({
        apiVersion: params.HEYGEN_API_VERSION === "v2" ? "v2" : "v3",
        apiBaseUrl: params.HEYGEN_API_BASE_URL,
        apiKey: secrets.HEYGEN_API_KEY,
        url,
      });
      lines.push(`HeyGen webhook                 ${url} (endpoint ${endpointId})`);
    } catch (err) {
      lines.push(`HeyGen webhook                 not registered: ${(err as Error).message}`);
    }
  } else {
    lines.push(
      "HeyGen webhook                 not registered (real HeyGen cannot reach this machine; the poller completes videos)",
    );
  }
  const fn = (name: string) => functionUrl(name);
  console.log(`
${READY_MARKER} (project ${LOCAL_PROJECT_ID}${created ? "; wrote functions/.env.local and .secret.local" : ""}).

  Open the web client:  ${WEB_URL}

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
