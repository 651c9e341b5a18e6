/**
 * Params and secrets of a local stack that runs entirely against the simulators.
 * Used by the test harness (and the local stack when no keys are configured).
 * The names and values come from the one param definition, src/params.ts (`local`).
 */
import { PORTS, localUrl } from "./ports";
import { APP_CHECK_JWKS_PATH } from "./app-check-issuer";
import {
  localParamValues,
  type LocalStack,
  type ParamValues,
  type ProviderName,
  type SecretName,
} from "../src/params";

export type { ProviderName } from "../src/params";

export const TEST_PROJECT_ID = "demo-masky-test";

/** Each photoreal provider's simulator: where it listens and the key it accepts. */
export const SIMULATED_PROVIDERS: Record<ProviderName, { port: number; apiKey: string }> = {
  "avatar-sdk": { port: PORTS.avatarSdk, apiKey: "sim-client-id:sim-client-secret" },
  in3d: { port: PORTS.in3d, apiKey: "sim-in3d-token" },
  didimo: { port: PORTS.didimo, apiKey: "sim-didimo-key" },
};

/** What the param definitions' `local` values are computed from. */
export function simulatedStack(
  projectId: string,
  provider: ProviderName = "avatar-sdk",
): LocalStack {
  const sim = SIMULATED_PROVIDERS[provider];
  return {
    projectId,
    heygenApiUrl: localUrl(PORTS.heygenApi),
    heygenUploadUrl: localUrl(PORTS.heygenUpload),
    appCheckJwksUrl: `${localUrl(PORTS.appCheck)}${APP_CHECK_JWKS_PATH}`,
    provider: { name: provider, apiUrl: localUrl(sim.port), apiKey: sim.apiKey },
  };
}

/** Every setting's simulated value, typed (the test context builds its config from them). */
export function simulatedSettings(projectId: string): ParamValues {
  return localParamValues(simulatedStack(projectId)).settings;
}

export const SIMULATED_SECRETS: Record<SecretName, string> = localParamValues(
  simulatedStack(TEST_PROJECT_ID),
).secrets;

const asEnv = (values: Record<string, string | number | boolean>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));

/** The PROVIDER params and the PROVIDER_API_KEY secret that point at one simulator. */
export function simulatedProviderConfig(name: ProviderName): {
  params: { PROVIDER: string; PROVIDER_API_BASE_URL: string };
  secrets: { PROVIDER_API_KEY: string };
} {
  const { settings, secrets } = localParamValues(simulatedStack(TEST_PROJECT_ID, name));
  return {
    params: { PROVIDER: settings.PROVIDER, PROVIDER_API_BASE_URL: settings.PROVIDER_API_BASE_URL },
    secrets: { PROVIDER_API_KEY: secrets.PROVIDER_API_KEY },
  };
}

/** The params as the emulator's .env.local holds them. */
export function simulatedParams(projectId: string): Record<string, string> {
  return asEnv(simulatedSettings(projectId));
}

/** Emulator-side variables that are not params (read by the SDKs themselves). */
export function storageEmulatorEnv(): Record<string, string> {
  return { STORAGE_EMULATOR_HOST: localUrl(PORTS.storage) };
}

export function toDotenv(values: Record<string, string>): string {
  return (
    Object.entries(values)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join("\n") + "\n"
  );
}
