/** An AppContext of the test's own, against the emulators and the simulators. */
import {
  buildConfig,
  givenParams,
  quotaParams,
  runtimeInfo,
  type QuotaConfig,
} from "../../src/config";
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
    lookWaitSeconds?: number;
  } = {},
): AppContext {
  const config = buildConfig(
    {
      ...simulatedSettings(TEST_PROJECT_ID),
      HEYGEN_API_VERSION: overrides.apiVersion ?? "v3",
      HEYGEN_POLL_CONCURRENCY: 3,
      HEYGEN_URL_REFRESH_MARGIN_MINUTES: 60,
      ...givenParams({
        // The provider the running suite declared (useProvider, helpers/stack.ts).
        ...simulatedProviderConfig(activeProvider()).params,
        HEYGEN_AUDIO_SOURCE: overrides.audioSource,
        HEYGEN_FALLBACK_AVATAR_ID: overrides.fallback,
        HEYGEN_RENDER_DEADLINE_MINUTES: overrides.renderDeadlineMinutes,
        AVATAR_JOB_DEADLINE_MINUTES: overrides.jobDeadlineMinutes,
        MEDIA_RETENTION_DAYS: overrides.mediaRetentionDays,
        HEYGEN_LOOK_WAIT_SECONDS: overrides.lookWaitSeconds,
      }),
      ...quotaParams(overrides.quotas),
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
