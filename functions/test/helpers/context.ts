/** An AppContext of the test's own, against the emulators and the simulators. */
import { buildConfig, runtimeInfo, type ParamValues, type QuotaConfig } from "../../src/config";
import { systemClock, type AppContext, type Clock } from "../../src/context";
import { adminApp, adminAuth, db } from "./admin";
import {
  simulatedProviderConfig,
  simulatedSettings,
  TEST_PROJECT_ID,
} from "../../devtools/stack-env";
import { activeProvider } from "./stack";

export function testContext(
  overrides: {
    apiVersion?: "v2" | "v3";
    audioSource?: "upload" | "url";
    fallback?: string;
    clock?: Clock;
    renderDeadlineMinutes?: number;
    jobDeadlineMinutes?: number;
    quotas?: Partial<QuotaConfig>;
    mediaRetentionDays?: number;
  } = {},
): AppContext {
  const q = { ...overrides.quotas };
  const config = buildConfig(
    {
      ...simulatedSettings(TEST_PROJECT_ID),
      HEYGEN_API_VERSION: overrides.apiVersion ?? "v3",
      HEYGEN_POLL_CONCURRENCY: 3,
      HEYGEN_URL_REFRESH_MARGIN_MINUTES: 60,
      ...given({
        // The provider the running suite declared (useProvider, helpers/stack.ts).
        ...simulatedProviderConfig(activeProvider()).params,
        HEYGEN_AUDIO_SOURCE: overrides.audioSource,
        HEYGEN_FALLBACK_AVATAR_ID: overrides.fallback,
        HEYGEN_RENDER_DEADLINE_MINUTES: overrides.renderDeadlineMinutes,
        AVATAR_JOB_DEADLINE_MINUTES: overrides.jobDeadlineMinutes,
        MEDIA_RETENTION_DAYS: overrides.mediaRetentionDays,
        QUOTA_VIDEOS_PER_USER_PER_DAY: q.videosPerUserPerDay,
        QUOTA_AVATAR_JOBS_PER_USER_PER_DAY: q.avatarJobsPerUserPerDay,
        QUOTA_PENDING_AVATAR_JOBS_PER_USER: q.pendingAvatarJobsPerUser,
        RATE_VIDEO_STATUS_PER_USER_PER_MINUTE: q.videoStatusPerUserPerMinute,
        VIDEO_STATUS_FRESH_SECONDS: q.videoStatusFreshSeconds,
        QUOTA_HEYGEN_VIDEOS_PER_DAY: q.heygenVideosPerDay,
      }),
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

/** The overrides that are given: one left out keeps the stack's value. */
function given(values: {
  [K in keyof ParamValues]?: ParamValues[K] | undefined;
}): Partial<ParamValues> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  ) as Partial<ParamValues>;
}
