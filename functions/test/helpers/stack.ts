/**
 * The photoreal provider a suite runs against, declared by the suite:
 *
 *   describe("…", function () {
 *     useServers("storage");
 *     const sim = useProvider("didimo");   // sim() is the running Didimo simulator
 *     …
 *   });
 *
 * `before`: starts that provider's simulator (kept for the run, helpers/servers.ts) and,
 * when another provider is active, redeploys the emulated functions with it, the way
 * an operator would change PROVIDER, PROVIDER_API_BASE_URL and PROVIDER_API_KEY: the
 * test stack's own .env.local and .secret.local are rewritten, then the Emulator Hub's
 * `PUT /functions/enableBackgroundTriggers` makes the Functions emulator reload its
 * functions (it re-reads both files and starts fresh workers) and answers when done.
 * The mocha process, which runs the scheduled sweep in-process, gets the same values
 * (`activeProvider()` for testContext, the secret in its environment).
 * When the suite is over (after its own `after` hooks), the provider that was active
 * before it is put back, so no suite depends on the order the files run in. A suite
 * that declares no provider reaches none: the functions keep the stack's default
 * configuration, and no simulator of it runs unless a suite declared it.
 *
 * `useParams({ NAME: "value" })` redeploys the same way with other param values for the
 * suite (e.g. APP_CHECK_ENFORCED), and puts the previous ones back when it is over.
 */
import { writeStackConfig } from "../../devtools/harness/stack-dir";
import {
  SIMULATED_SECRETS,
  TEST_PROJECT_ID,
  simulatedParams,
  simulatedProviderConfig,
  type ProviderName,
} from "../../devtools/stack-env";
import {
  atSuiteEnd,
  holdServer,
  releaseServer,
  avatarSdkSim,
  didimoSim,
  in3dSim,
  type ServerName,
} from "./servers";

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite with \`npm test\`.`);
  return v;
}

/** The stack starts with the default configuration (devtools/stack-env.ts). */
let active = simulatedParams(TEST_PROJECT_ID).PROVIDER as ProviderName;

/** Param values the running suites set (useParams), over the defaults and the provider's. */
let paramOverrides: Record<string, string> = {};

/** The provider the functions are configured with now. */
export const activeProvider = (): ProviderName => active;

async function redeployWith(name: ProviderName): Promise<void> {
  const { params, secrets } = simulatedProviderConfig(name);
  const all = { ...simulatedParams(TEST_PROJECT_ID), ...params, ...paramOverrides };
  writeStackConfig(required("MASKY_TEST_STACK_DIR"), all, { ...SIMULATED_SECRETS, ...secrets });
  Object.assign(process.env, all, secrets);
  const hub = required("FIREBASE_EMULATOR_HUB");
  const res = await fetch(`http://${hub}/functions/enableBackgroundTriggers`, { method: "PUT" });
  if (!res.ok) throw new Error(`the Functions emulator did not reload: ${res.status}`);
  active = name;
}

const simulators = {
  "avatar-sdk": avatarSdkSim,
  in3d: in3dSim,
  didimo: didimoSim,
} satisfies Record<ProviderName, () => unknown>;

/** Mocha hooks for the calling describe; returns an accessor of the provider's simulator. */
export function useProvider<N extends ProviderName>(name: N): (typeof simulators)[N] {
  let previous: ProviderName | undefined;
  before(async function () {
    this.timeout(60000);
    await holdServer(name satisfies ServerName);
    previous = active;
    if (previous !== name) await redeployWith(name);
    // After the suite's own `after` hooks, which may still use the simulator.
    atSuiteEnd(this, async function (this: Mocha.Context) {
      this.timeout(60000);
      if (previous && previous !== active) await redeployWith(previous);
      await releaseServer(name);
    });
  });
  return simulators[name];
}

/** Mocha hooks for the calling describe: the functions run with these param values meanwhile. */
export function useParams(values: Record<string, string>): void {
  let previous: Record<string, string> = {};
  before(async function () {
    this.timeout(60000);
    previous = paramOverrides;
    paramOverrides = { ...previous, ...values };
    await redeployWith(active);
    atSuiteEnd(this, async function (this: Mocha.Context) {
      this.timeout(60000);
      paramOverrides = previous;
      await redeployWith(active);
    });
  });
}
