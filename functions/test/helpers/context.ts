/** An AppContext of the test's own, against the emulators and the simulators. */
import { buildConfig, runtimeInfo, type QuotaConfig } from "../../src/config";
import { systemClock, type AppContext, type Clock } from "../../src/context";
import { adminApp, adminAuth, db } from "./admin";
import {
  simulatedParams,
  simulatedProviderConfig,
  TEST_PROJECT_ID,
} from "../../devtools/stack-env";
import { activeProvider } from "./stack";

export function testContext(
  overrides: {
    apiVersion?: "v2" | "v3";
    fallback?: string;
    clock?: Clock;
    renderDeadlineMinutes?: number;
    jobDeadlineMinutes?: number;
    quotas?: Partial<QuotaConfig>;
    mediaRetentionDays?: number;
  } = {},
): AppContext {
  const p = simulatedParams(TEST_PROJECT_ID);
  const config = buildConfig(
    {
      // The provider the running suite declared (useProvider, helpers/stack.ts).
      provider: activeProvider(),
      storageBucket: p.STORAGE_BUCKET,
      heygenApiVersion: overrides.apiVersion ?? "v3",
      heygenApiBaseUrl: p.HEYGEN_API_BASE_URL,
      heygenUploadBaseUrl: p.HEYGEN_UPLOAD_BASE_URL,
      heygenFallbackAvatarId: overrides.fallback ?? p.HEYGEN_FALLBACK_AVATAR_ID,
      providerApiBaseUrl: simulatedProviderConfig(activeProvider()).params.PROVIDER_API_BASE_URL,
      corsOrigins: "",
      heygenListCacheSeconds: 600,
      heygenPollConcurrency: 3,
      heygenRenderDeadlineMinutes: overrides.renderDeadlineMinutes ?? 240,
      heygenUrlRefreshMarginMinutes: 60,
      avatarJobDeadlineMinutes: overrides.jobDeadlineMinutes ?? 60,
      consentPolicyVersion: p.CONSENT_POLICY_VERSION,
      minimumAge: Number(p.MINIMUM_AGE),
      quotas: {
        videosPerUserPerDay: Number(p.QUOTA_VIDEOS_PER_USER_PER_DAY),
        avatarJobsPerUserPerDay: Number(p.QUOTA_AVATAR_JOBS_PER_USER_PER_DAY),
        pendingAvatarJobsPerUser: Number(p.QUOTA_PENDING_AVATAR_JOBS_PER_USER),
        videoStatusPerUserPerMinute: Number(p.RATE_VIDEO_STATUS_PER_USER_PER_MINUTE),
        videoStatusFreshSeconds: Number(p.VIDEO_STATUS_FRESH_SECONDS),
        heygenVideosPerDay: Number(p.QUOTA_HEYGEN_VIDEOS_PER_DAY),
        ...overrides.quotas,
      },
      mediaRetentionDays: overrides.mediaRetentionDays ?? Number(p.MEDIA_RETENTION_DAYS),
    },
    { ...runtimeInfo(), isEmulator: true },
  );
  return {
    app: adminApp(),
    db: db(),
    auth: adminAuth(),
    config,
    clock: overrides.clock ?? systemClock,
  };
}
