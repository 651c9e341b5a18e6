/**
 * The local servers a suite runs against, declared by the suite itself:
 *
 *   describe("…", function () {
 *     useServers("storage", "heygen");
 *     …
 *   });
 *
 * Each server runs inside the mocha process on the fixed port the functions are
 * configured with (devtools/ports.ts), so tests can inspect and steer it (call counts,
 * faults, holds). A server starts when the first suite that declares it begins and is
 * kept for the rest of the run (test/setup.ts closes them all at the end), so the whole
 * suite does not restart servers per file. A suite may only reach the servers it
 * declared: the accessors below refuse otherwise, and a spec file run alone starts
 * nothing it did not ask for. Photoreal provider simulators are declared with
 * `useProvider` (helpers/stack.ts), which also points the functions at them.
 */
import { startStorageServer, type StorageServer } from "../../devtools/storage-server/server";
import { startHeygenSim, type HeygenSim } from "../../devtools/heygen-sim/server";
import { startAvatarSdkSim, type AvatarSdkSim } from "../../devtools/provider-sims/avatar-sdk-sim";
import { startIn3dSim, type In3dSim } from "../../devtools/provider-sims/in3d-sim";
import { startDidimoSim, type DidimoSim } from "../../devtools/provider-sims/didimo-sim";
import { PORTS } from "../../devtools/ports";
import { SIMULATED_PROVIDERS, SIMULATED_SECRETS } from "../../devtools/stack-env";
import { publicKeyOf } from "../../devtools/dev-signer";
import { startAppCheckIssuer, type AppCheckIssuer } from "../../devtools/app-check-issuer";
import { PROJECT_ID } from "./env";

/** Fast but realistic: looks and renders take a moment, so waiting code is exercised. */
export const TEST_HEYGEN_TIMINGS = {
  lookReadyMs: 400,
  videoPendingMs: 300,
  videoProcessingMs: 700,
};

interface Servers {
  storage: StorageServer;
  heygen: HeygenSim;
  "avatar-sdk": AvatarSdkSim;
  in3d: In3dSim;
  didimo: DidimoSim;
  /** App Check's key set and tokens (APP_CHECK_JWKS_URL of the test stack points here). */
  "app-check": AppCheckIssuer;
}
export type ServerName = keyof Servers;

const starters: { [N in ServerName]: () => Promise<Servers[N]> } = {
  storage: () => {
    const credentials = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    return startStorageServer({
      port: PORTS.storage,
      signerPublicKey: credentials ? publicKeyOf(credentials) : undefined,
    });
  },
  heygen: () =>
    startHeygenSim({
      apiPort: PORTS.heygenApi,
      uploadPort: PORTS.heygenUpload,
      apiKey: SIMULATED_SECRETS.HEYGEN_API_KEY,
      // Endpoints registered in tests sign with the secret the functions hold.
      webhookSecret: SIMULATED_SECRETS.HEYGEN_WEBHOOK_SECRET,
      timings: TEST_HEYGEN_TIMINGS,
    }),
  "avatar-sdk": () => {
    const [clientId, clientSecret] = SIMULATED_PROVIDERS["avatar-sdk"].apiKey.split(":");
    return startAvatarSdkSim({
      port: PORTS.avatarSdk,
      clientId,
      clientSecret,
      computeMs: 800,
      exportMs: 200,
    });
  },
  in3d: () =>
    startIn3dSim({
      port: SIMULATED_PROVIDERS.in3d.port,
      token: SIMULATED_PROVIDERS.in3d.apiKey,
      processingMs: 300,
    }),
  didimo: () =>
    startDidimoSim({
      port: SIMULATED_PROVIDERS.didimo.port,
      apiKey: SIMULATED_PROVIDERS.didimo.apiKey,
      processingMs: 600,
    }),
  "app-check": () => startAppCheckIssuer(PORTS.appCheck, PROJECT_ID),
};

const starting: { [N in ServerName]?: Promise<Servers[N]> } = {};
const started: Partial<Servers> = {};
/** How many running suites declared each server. */
const holders = new Map<ServerName, number>();

/** Starts the server once per run (two suites asking at once share the start) and holds it. */
export async function holdServer<N extends ServerName>(name: N): Promise<Servers[N]> {
  const pending = (starting[name] ??= starters[name]() as never) as Promise<Servers[N]>;
  const s = await pending.catch((err: unknown) => {
    delete starting[name]; // the next suite tries again
    throw err;
  });
  started[name] = s;
  holders.set(name, (holders.get(name) ?? 0) + 1);
  return s;
}

/**
 * `MASKY_TEST_SERVERS=per-suite npm test`: a server stops as soon as no running suite
 * holds it. Slower (servers restart per file), but a whole run then shows every suite
 * that uses a server it did not declare, as if each file ran alone.
 */
const perSuite = process.env.MASKY_TEST_SERVERS === "per-suite";

/** The suite is done with it; the server keeps running for later suites. */
export async function releaseServer(name: ServerName): Promise<void> {
  const left = Math.max(0, (holders.get(name) ?? 0) - 1);
  holders.set(name, left);
  if (perSuite && left === 0 && started[name]) {
    const s = started[name];
    delete started[name];
    delete starting[name];
    await s?.close();
  }
}

/**
 * Mocha hooks for the calling describe: the named servers run (on their fixed ports)
 * from its `before` until the suite is over (after its own `after` hooks). Call it
 * inside a describe, never at a file's top level (mocha would make top-level hooks
 * apply to every file).
 */
export function useServers(...names: ("storage" | "heygen" | "app-check")[]): void {
  before(async function () {
    this.timeout(30000);
    for (const name of names) await holdServer(name);
    atSuiteEnd(this, async () => {
      for (const name of names) await releaseServer(name);
    });
  });
}

/**
 * Runs `fn` when the suite of the running `before` hook is over: after every `after`
 * hook of the suite (mocha reads a suite's hooks when it runs them, so this one,
 * added while the suite runs, comes last), since those may still use the servers.
 */
export function atSuiteEnd(hook: Mocha.Context, fn: (this: Mocha.Context) => Promise<void>): void {
  const suite = hook.test?.parent;
  if (!suite) throw new Error("atSuiteEnd must be called from a before hook");
  suite.afterAll(fn);
}

/** A declared server; refuses one the running suites did not declare. */
function declared<N extends ServerName>(name: N): Servers[N] {
  const s = started[name];
  if (!s || !holders.get(name)) {
    const how =
      name === "storage" || name === "heygen" || name === "app-check"
        ? `useServers("${name}")`
        : `useProvider("${name}")`;
    throw new Error(
      `The ${name} server is not declared by this suite: add ${how} to its describe.`,
    );
  }
  return s as Servers[N];
}

export const heygenSim = (): HeygenSim => declared("heygen");
export const storageServer = (): StorageServer => declared("storage");
export const avatarSdkSim = (): AvatarSdkSim => declared("avatar-sdk");
export const in3dSim = (): In3dSim => declared("in3d");
export const didimoSim = (): DidimoSim => declared("didimo");
export const appCheckIssuer = (): AppCheckIssuer => declared("app-check");

/** Closes every server that was started: the root `afterAll` of test/setup.ts. */
export async function closeAllServers(): Promise<void> {
  const all = Object.values(starting) as Promise<{ close(): Promise<void> }>[];
  for (const name of Object.keys(starting) as ServerName[]) {
    delete starting[name];
    delete started[name];
  }
  holders.clear();
  for (const p of all) await (await p.catch(() => null))?.close();
}
