/**
 * AppContexts of the bench's own, against the running stack's emulators and
 * simulators: the stack's params (functions/.env.local) with the overrides a
 * measurement needs (API version, audio source, poll concurrency, quotas).
 *
 * Measurements that count Firestore operations in this process use their own project
 * id (BENCH_PROJECT_ID) in the same Firestore emulator: the functions emulator serves
 * `demo-masky` only, so none of its triggers write to those documents meanwhile.
 */
import { getApps, initializeApp, type App } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { getFirestore } from "firebase-admin/firestore";
import { buildConfig, DEFAULT_QUOTAS, type QuotaConfig } from "../../src/config";
import { systemClock, type AppContext } from "../../src/context";
import { EMULATORS } from "../local-stack/config";

export const BENCH_PROJECT_ID = "demo-masky-bench";

export interface BenchOverrides {
  projectId: string;
  apiVersion?: "v2" | "v3";
  audioSource?: "upload" | "url";
  pollConcurrency?: number;
  quotas?: Partial<QuotaConfig>;
}

function adminApp(projectId: string): App {
  const existing = getApps().find((a) => a.name === `bench-${projectId}`);
  if (existing) return existing;
  const app = initializeApp(
    { projectId, storageBucket: `${projectId}.appspot.com` },
    `bench-${projectId}`,
  );
  getFirestore(app).settings({ ignoreUndefinedProperties: true });
  return app;
}

export function benchContext(params: Record<string, string>, o: BenchOverrides): AppContext {
  const int = (name: string, fallback: number) => Number(params[name] ?? fallback);
  const config = buildConfig(
    {
      provider: params.PROVIDER,
      storageBucket: `${o.projectId}.appspot.com`,
      heygenApiVersion: o.apiVersion ?? params.HEYGEN_API_VERSION,
      heygenApiBaseUrl: params.HEYGEN_API_BASE_URL,
      heygenUploadBaseUrl: params.HEYGEN_UPLOAD_BASE_URL,
      heygenAudioSource: o.audioSource ?? params.HEYGEN_AUDIO_SOURCE,
      heygenFallbackAvatarId: params.HEYGEN_FALLBACK_AVATAR_ID ?? "",
      providerApiBaseUrl: params.PROVIDER_API_BASE_URL ?? "",
      corsOrigins: "",
      heygenListCacheSeconds: int("HEYGEN_LIST_CACHE_SECONDS", 600),
      heygenPollConcurrency: o.pollConcurrency ?? int("HEYGEN_POLL_CONCURRENCY", 4),
      heygenRenderDeadlineMinutes: int("HEYGEN_RENDER_DEADLINE_MINUTES", 240),
      heygenUrlRefreshMarginMinutes: int("HEYGEN_URL_REFRESH_MARGIN_MINUTES", 1440),
      avatarJobDeadlineMinutes: int("AVATAR_JOB_DEADLINE_MINUTES", 60),
      consentPolicyVersion: params.CONSENT_POLICY_VERSION,
      minimumAge: int("MINIMUM_AGE", 18),
      quotas: { ...DEFAULT_QUOTAS, ...o.quotas },
      mediaRetentionDays: int("MEDIA_RETENTION_DAYS", 90),
      providerDownloadHosts: params.PROVIDER_DOWNLOAD_HOSTS ?? "",
      heygenDownloadHosts: params.HEYGEN_DOWNLOAD_HOSTS ?? "",
    },
    { projectId: o.projectId, isEmulator: true, defaultBucket: `${o.projectId}.appspot.com` },
  );
  const app = adminApp(o.projectId);
  return { app, db: getFirestore(app), auth: getAuth(app), config, clock: systemClock };
}

/** Deletes every document of a project in the Firestore emulator. */
export async function clearProject(projectId: string): Promise<void> {
  const res = await fetch(
    `http://${EMULATORS.firestore}/emulator/v1/projects/${projectId}/databases/(default)/documents`,
    { method: "DELETE" },
  );
  if (!res.ok) throw new Error(`clearing ${projectId} in the Firestore emulator: ${res.status}`);
}
