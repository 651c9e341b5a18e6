/**
 * Params and secrets of a local stack that runs entirely against the simulators.
 * Used by the test harness (and the local stack when no keys are configured).
 */
import { PORTS, localUrl } from "./ports";

export const TEST_PROJECT_ID = "demo-masky-test";

export type ProviderName = "avatar-sdk" | "in3d" | "didimo";

/** Each photoreal provider's simulator: where it listens and the key it accepts. */
export const SIMULATED_PROVIDERS: Record<ProviderName, { port: number; apiKey: string }> = {
  "avatar-sdk": { port: PORTS.avatarSdk, apiKey: "sim-client-id:sim-client-secret" },
  in3d: { port: PORTS.in3d, apiKey: "sim-in3d-token" },
  didimo: { port: PORTS.didimo, apiKey: "sim-didimo-key" },
};

export const SIMULATED_SECRETS = {
  HEYGEN_API_KEY: "sim-heygen-api-key",
  HEYGEN_WEBHOOK_SECRET: "sim-heygen-webhook-secret",
  PROVIDER_API_KEY: SIMULATED_PROVIDERS["avatar-sdk"].apiKey,
};

/** The PROVIDER params and the PROVIDER_API_KEY secret that point at one simulator. */
export function simulatedProviderConfig(name: ProviderName): {
  params: { PROVIDER: ProviderName; PROVIDER_API_BASE_URL: string };
  secrets: { PROVIDER_API_KEY: string };
} {
  const sim = SIMULATED_PROVIDERS[name];
  return {
    params: { PROVIDER: name, PROVIDER_API_BASE_URL: localUrl(sim.port) },
    secrets: { PROVIDER_API_KEY: sim.apiKey },
  };
}

export function simulatedParams(projectId: string): Record<string, string> {
  return {
    STORAGE_BUCKET: `${projectId}.appspot.com`,
    HEYGEN_API_VERSION: "v3",
    HEYGEN_API_BASE_URL: localUrl(PORTS.heygenApi),
    HEYGEN_UPLOAD_BASE_URL: localUrl(PORTS.heygenUpload),
    HEYGEN_FALLBACK_AVATAR_ID: "Anna_public_3_20240108",
    ...simulatedProviderConfig("avatar-sdk").params,
    CORS_ORIGINS: "",
    HEYGEN_LIST_CACHE_SECONDS: "600",
    HEYGEN_POLL_CONCURRENCY: "4",
    HEYGEN_RENDER_DEADLINE_MINUTES: "240",
    HEYGEN_URL_REFRESH_MARGIN_MINUTES: "1440",
    AVATAR_JOB_DEADLINE_MINUTES: "60",
    CONSENT_POLICY_VERSION: "2026-12-01",
    MINIMUM_AGE: "18",
    QUOTA_VIDEOS_PER_USER_PER_DAY: "5",
    QUOTA_AVATAR_JOBS_PER_USER_PER_DAY: "5",
    QUOTA_PENDING_AVATAR_JOBS_PER_USER: "2",
    RATE_VIDEO_STATUS_PER_USER_PER_MINUTE: "30",
    VIDEO_STATUS_FRESH_SECONDS: "2",
    QUOTA_HEYGEN_VIDEOS_PER_DAY: "200",
    MEDIA_RETENTION_DAYS: "90",
    INPUT_RETENTION_HOURS: "24",
    // The simulators are reached through the configured base URLs' hosts, always allowed.
    PROVIDER_DOWNLOAD_HOSTS: "",
    HEYGEN_DOWNLOAD_HOSTS: "",
    // The page has no App Check provider against the emulators.
    APP_CHECK_ENFORCED: "false",
  };
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
