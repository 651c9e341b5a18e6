/**
 * Redeploys the emulated functions with another photoreal provider, the way an operator
 * would change PROVIDER, PROVIDER_API_BASE_URL and PROVIDER_API_KEY: the test stack's
 * own .env.local and .secret.local are rewritten, then the Emulator Hub's
 * `PUT /functions/enableBackgroundTriggers` makes the Functions emulator reload its
 * functions (it re-reads both files and starts fresh workers) and answers when done.
 * The mocha process, which runs the scheduled sweep in-process, gets the same values.
 */
import { writeStackConfig } from "../../devtools/harness/stack-dir";
import {
  SIMULATED_SECRETS,
  TEST_PROJECT_ID,
  simulatedParams,
  simulatedProviderConfig,
  type ProviderName,
} from "../../devtools/stack-env";
import { clearFirestore } from "./firestore";

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite with \`npm test\`.`);
  return v;
}

export async function useProvider(name: ProviderName): Promise<void> {
  const { params, secrets } = simulatedProviderConfig(name);
  writeStackConfig(
    required("MASKY_TEST_STACK_DIR"),
    { ...simulatedParams(TEST_PROJECT_ID), ...params },
    { ...SIMULATED_SECRETS, ...secrets },
  );
  Object.assign(process.env, params, secrets);
  const hub = required("FIREBASE_EMULATOR_HUB");
  const res = await fetch(`http://${hub}/functions/enableBackgroundTriggers`, { method: "PUT" });
  if (!res.ok) throw new Error(`the Functions emulator did not reload: ${res.status}`);
}

/**
 * Mocha hooks for a suite that runs against another provider: starts its simulator,
 * redeploys the functions with it, and puts the Avatar SDK configuration back after.
 * Firestore is cleared before each test. Returns the running simulator.
 */
export function withProvider<S extends { close(): Promise<void> }>(
  name: ProviderName,
  startSim: () => Promise<S>,
): () => S {
  let sim: S | undefined;
  before(async function () {
    this.timeout(60000);
    sim = await startSim();
    await useProvider(name);
  });
  after(async function () {
    this.timeout(60000);
    await useProvider("avatar-sdk");
    await sim?.close();
  });
  beforeEach(clearFirestore);
  return () => {
    if (!sim) throw new Error(`the ${name} simulator is not running`);
    return sim;
  };
}
