/**
 * Every parameter and secret of the backend, declared once.
 *
 * Params are declared at module scope (the CLI reads them at deploy time) and
 * read with `.value()` only at run time, inside `resolveConfig()`. Nothing else in
 * `src/` reads `process.env` for configuration (eslint enforces it).
 *
 * Local runs set them in `functions/.env.local` and `functions/.secret.local`
 * (emulator only). The README's configuration table mirrors this file.
 */
import { defineBoolean, defineInt, defineSecret, defineString } from "firebase-functions/params";

// --- Secrets -----------------------------------------------------------------
/** HeyGen API key, sent as `X-Api-Key`. */
export const HEYGEN_API_KEY = defineSecret("HEYGEN_API_KEY");
/** Signing secret of the registered HeyGen webhook endpoint (`endpoint.add`). */
export const HEYGEN_WEBHOOK_SECRET = defineSecret("HEYGEN_WEBHOOK_SECRET");
/**
 * Credentials of the photoreal provider. Avatar SDK takes `client_id:client_secret`;
 * Didimo and in3D take their API key / bearer token as is.
 */
export const PROVIDER_API_KEY = defineSecret("PROVIDER_API_KEY");

// --- Booleans ----------------------------------------------------------------
/**
 * Callables (`*_call`) reject requests without a valid App Check token. Off by default
 * and in the emulator (the page has no App Check provider there); turn it on in
 * production once the web app registers App Check (reCAPTCHA Enterprise).
 */
export const APP_CHECK_ENFORCED = defineBoolean("APP_CHECK_ENFORCED", {
  default: false,
  description: "Callables require a valid App Check token",
});

// --- Strings -------------------------------------------------------------------
export const PROVIDER = defineString("PROVIDER", {
  default: "avatar-sdk",
  description: "Photoreal avatar provider: avatar-sdk | in3d | didimo",
  input: {
    select: {
      options: [{ value: "avatar-sdk" }, { value: "in3d" }, { value: "didimo" }],
    },
  },
});
export const STORAGE_BUCKET = defineString("STORAGE_BUCKET", {
  default: "",
  description:
    "Cloud Storage bucket for uploads, videos and GLBs; empty = the project's default bucket",
});
export const HEYGEN_API_VERSION = defineString("HEYGEN_API_VERSION", {
  default: "v3",
  description: "HeyGen API flavour: v3 (default) or v2 (legacy, the seed's flow)",
  input: { select: { options: [{ value: "v3" }, { value: "v2" }] } },
});
export const HEYGEN_API_BASE_URL = defineString("HEYGEN_API_BASE_URL", {
  default: "https://api.heygen.com",
  description: "Base URL of the HeyGen API",
});
export const HEYGEN_UPLOAD_BASE_URL = defineString("HEYGEN_UPLOAD_BASE_URL", {
  default: "https://upload.heygen.com",
  description: "Base URL of HeyGen's legacy upload host (v2 only)",
});
export const HEYGEN_FALLBACK_AVATAR_ID = defineString("HEYGEN_FALLBACK_AVATAR_ID", {
  default: "",
  description: "Public HeyGen avatar used when the user has no photo; empty = none",
});
export const PROVIDER_API_BASE_URL = defineString("PROVIDER_API_BASE_URL", {
  default: "",
  description: "Base URL of the photoreal provider; empty = the provider's public API",
});
export const PROVIDER_DOWNLOAD_HOSTS = defineString("PROVIDER_DOWNLOAD_HOSTS", {
  default: "",
  description:
    "Extra hosts (host, host:port or *.suffix, comma-separated) the provider's model files may be downloaded from",
});
export const HEYGEN_DOWNLOAD_HOSTS = defineString("HEYGEN_DOWNLOAD_HOSTS", {
  default: "",
  description:
    "Extra hosts (host, host:port or *.suffix, comma-separated) HeyGen's video files may be downloaded from",
});
export const CORS_ORIGINS = defineString("CORS_ORIGINS", {
  default: "",
  description:
    "Comma-separated origins allowed by CORS; empty = the project's Hosting domains and localhost; * = any",
});
export const HEYGEN_LIST_CACHE_SECONDS = defineInt("HEYGEN_LIST_CACHE_SECONDS", {
  default: 600,
  description: "How long avatar and voice listings are cached",
});

export const HEYGEN_POLL_CONCURRENCY = defineInt("HEYGEN_POLL_CONCURRENCY", {
  default: 4,
  description: "How many HeyGen status calls the poller makes at once",
});
export const HEYGEN_RENDER_DEADLINE_MINUTES = defineInt("HEYGEN_RENDER_DEADLINE_MINUTES", {
  default: 240,
  description: "A render still not finished this long after it was created is marked failed",
});
export const HEYGEN_URL_REFRESH_MARGIN_MINUTES = defineInt("HEYGEN_URL_REFRESH_MARGIN_MINUTES", {
  default: 24 * 60,
  description: "Completed videos whose HeyGen URL expires within this margin get a fresh URL",
});

export const AVATAR_JOB_DEADLINE_MINUTES = defineInt("AVATAR_JOB_DEADLINE_MINUTES", {
  default: 60,
  description: "A photoreal job not done this long after it was created ends in error",
});

// --- Consent ---------------------------------------------------------------------
export const CONSENT_POLICY_VERSION = defineString("CONSENT_POLICY_VERSION", {
  default: "2026-12-01",
  description: "Version of the privacy policy users consent to; changing it requires consent again",
});
export const MINIMUM_AGE = defineInt("MINIMUM_AGE", {
  default: 18,
  description: "Minimum age a user confirms when consenting",
});

// --- Quotas and rate limits (counted in Firestore transactions) ----------------------
export const QUOTA_VIDEOS_PER_USER_PER_DAY = defineInt("QUOTA_VIDEOS_PER_USER_PER_DAY", {
  default: 5,
  description: "HeyGen videos one user may start per UTC day",
});
export const QUOTA_AVATAR_JOBS_PER_USER_PER_DAY = defineInt("QUOTA_AVATAR_JOBS_PER_USER_PER_DAY", {
  default: 5,
  description: "Photoreal 3D jobs one user may start per UTC day",
});
export const QUOTA_PENDING_AVATAR_JOBS_PER_USER = defineInt("QUOTA_PENDING_AVATAR_JOBS_PER_USER", {
  default: 2,
  description: "Photoreal 3D jobs one user may have queued or processing at once",
});
export const RATE_VIDEO_STATUS_PER_USER_PER_MINUTE = defineInt(
  "RATE_VIDEO_STATUS_PER_USER_PER_MINUTE",
  { default: 30, description: "video_status calls one user may make per minute" },
);
export const VIDEO_STATUS_FRESH_SECONDS = defineInt("VIDEO_STATUS_FRESH_SECONDS", {
  default: 10,
  description:
    "video_status answers from the stored project, without HeyGen, while it is this fresh",
});
export const QUOTA_HEYGEN_VIDEOS_PER_DAY = defineInt("QUOTA_HEYGEN_VIDEOS_PER_DAY", {
  default: 200,
  description: "HeyGen videos the whole project may start per UTC day (all users together)",
});

export const MEDIA_RETENTION_DAYS = defineInt("MEDIA_RETENTION_DAYS", {
  default: 90,
  description: "Archived videos and GLBs are kept this many days, then purged",
});
export const INPUT_RETENTION_HOURS = defineInt("INPUT_RETENTION_HOURS", {
  default: 24,
  description:
    "Photos and recordings no unfinished video needs are deleted this many hours after their project last changed (a failed video can be tried again meanwhile)",
});

export type ProviderName = "avatar-sdk" | "in3d" | "didimo";
export type HeygenApiVersion = "v2" | "v3";

/** Configuration resolved at run time: defaults applied, secrets read. */
export interface AppConfig {
  projectId: string;
  isEmulator: boolean;
  storageBucket: string;
  corsOrigins: string[];
  heygen: {
    apiVersion: HeygenApiVersion;
    apiBaseUrl: string;
    uploadBaseUrl: string;
    fallbackAvatarId: string | null;
    listCacheSeconds: number;
    pollConcurrency: number;
    renderDeadlineMinutes: number;
    urlRefreshMarginMinutes: number;
    /** Extra hosts video downloads may come from (besides the API host and *.heygen.ai/com). */
    downloadHosts: string[];
  };
  provider: {
    name: ProviderName;
    baseUrl: string | null;
    jobDeadlineMinutes: number;
    /** Extra hosts model downloads may come from (besides clients/providers/download-hosts.ts). */
    downloadHosts: string[];
  };
  consent: {
    policyVersion: string;
    minimumAge: number;
  };
  quotas: QuotaConfig;
  /** Archived videos and GLBs are purged this many days after they were stored. */
  mediaRetentionDays: number;
  /** Uploads no unfinished video needs are deleted this many hours after their last use. */
  inputRetentionHours: number;
}

export interface QuotaConfig {
  videosPerUserPerDay: number;
  avatarJobsPerUserPerDay: number;
  pendingAvatarJobsPerUser: number;
  videoStatusPerUserPerMinute: number;
  videoStatusFreshSeconds: number;
  heygenVideosPerDay: number;
}

export const DEFAULT_QUOTAS: QuotaConfig = {
  videosPerUserPerDay: 5,
  avatarJobsPerUserPerDay: 5,
  pendingAvatarJobsPerUser: 2,
  videoStatusPerUserPerMinute: 30,
  videoStatusFreshSeconds: 10,
  heygenVideosPerDay: 200,
};

/** Secrets are read one by one where they are needed, never kept in the config object. */
export const secrets = {
  heygenApiKey: (): string => HEYGEN_API_KEY.value(),
  heygenWebhookSecret: (): string => HEYGEN_WEBHOOK_SECRET.value(),
  providerApiKey: (): string => PROVIDER_API_KEY.value(),
};

function parseFirebaseConfig(): { projectId?: string; storageBucket?: string } {
  const raw = process.env.FIREBASE_CONFIG;
  if (!raw) return {};
  try {
    return JSON.parse(raw) as { projectId?: string; storageBucket?: string };
  } catch {
    return {};
  }
}

/** Runtime facts set by the platform (not configuration the user chooses). */
export function runtimeInfo(): { projectId: string; isEmulator: boolean; defaultBucket: string } {
  const fb = parseFirebaseConfig();
  const projectId = fb.projectId ?? process.env.GCLOUD_PROJECT ?? "demo-masky";
  return {
    projectId,
    isEmulator: process.env.FUNCTIONS_EMULATOR === "true",
    defaultBucket: fb.storageBucket || `${projectId}.appspot.com`,
  };
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`Parameter ${name} must be one of ${allowed.join(", ")}; got "${value}"`);
}

export function defaultCorsOrigins(projectId: string): string[] {
  return [
    `https://${projectId}.web.app`,
    `https://${projectId}.firebaseapp.com`,
    "http://localhost",
    "http://127.0.0.1",
  ];
}

/** Pure: turns raw param values into an AppConfig (unit-tested without Firebase). */
export function buildConfig(
  raw: {
    provider: string;
    storageBucket: string;
    heygenApiVersion: string;
    heygenApiBaseUrl: string;
    heygenUploadBaseUrl: string;
    heygenFallbackAvatarId: string;
    providerApiBaseUrl: string;
    corsOrigins: string;
    heygenListCacheSeconds: number;
    heygenPollConcurrency?: number;
    heygenRenderDeadlineMinutes?: number;
    heygenUrlRefreshMarginMinutes?: number;
    avatarJobDeadlineMinutes?: number;
    consentPolicyVersion?: string;
    minimumAge?: number;
    quotas?: Partial<QuotaConfig>;
    mediaRetentionDays?: number;
    inputRetentionHours?: number;
    providerDownloadHosts?: string;
    heygenDownloadHosts?: string;
  },
  runtime: { projectId: string; isEmulator: boolean; defaultBucket: string },
): AppConfig {
  const trimSlash = (u: string) => u.trim().replace(/\/+$/, "");
  const list = (v: string | undefined) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const cors = list(raw.corsOrigins);
  return {
    projectId: runtime.projectId,
    isEmulator: runtime.isEmulator,
    storageBucket: raw.storageBucket.trim() || runtime.defaultBucket,
    corsOrigins: cors.length > 0 ? cors : defaultCorsOrigins(runtime.projectId),
    heygen: {
      apiVersion: oneOf("HEYGEN_API_VERSION", raw.heygenApiVersion.trim(), ["v2", "v3"] as const),
      apiBaseUrl: trimSlash(raw.heygenApiBaseUrl),
      uploadBaseUrl: trimSlash(raw.heygenUploadBaseUrl),
      fallbackAvatarId: raw.heygenFallbackAvatarId.trim() || null,
      listCacheSeconds: Math.max(0, raw.heygenListCacheSeconds),
      pollConcurrency: Math.min(20, Math.max(1, raw.heygenPollConcurrency ?? 4)),
      renderDeadlineMinutes: Math.max(1, raw.heygenRenderDeadlineMinutes ?? 240),
      urlRefreshMarginMinutes: Math.max(1, raw.heygenUrlRefreshMarginMinutes ?? 24 * 60),
      downloadHosts: list(raw.heygenDownloadHosts),
    },
    provider: {
      name: oneOf("PROVIDER", raw.provider.trim(), ["avatar-sdk", "in3d", "didimo"] as const),
      baseUrl: raw.providerApiBaseUrl.trim() ? trimSlash(raw.providerApiBaseUrl) : null,
      jobDeadlineMinutes: Math.max(1, raw.avatarJobDeadlineMinutes ?? 60),
      downloadHosts: list(raw.providerDownloadHosts),
    },
    consent: {
      policyVersion: raw.consentPolicyVersion?.trim() || "2026-12-01",
      minimumAge: Math.max(1, raw.minimumAge ?? 18),
    },
    // A limit below 0 makes no sense; 0 switches the feature off (everything refused).
    quotas: Object.fromEntries(
      Object.entries({ ...DEFAULT_QUOTAS, ...raw.quotas }).map(([k, v]) => [k, Math.max(0, v)]),
    ) as unknown as QuotaConfig,
    mediaRetentionDays: Math.max(1, raw.mediaRetentionDays ?? 90),
    inputRetentionHours: Math.max(1, raw.inputRetentionHours ?? 24),
  };
}

/** Reads every param at run time. Call it inside a handler, never at import time. */
export function resolveConfig(): AppConfig {
  return buildConfig(
    {
      provider: PROVIDER.value(),
      storageBucket: STORAGE_BUCKET.value(),
      heygenApiVersion: HEYGEN_API_VERSION.value(),
      heygenApiBaseUrl: HEYGEN_API_BASE_URL.value(),
      heygenUploadBaseUrl: HEYGEN_UPLOAD_BASE_URL.value(),
      heygenFallbackAvatarId: HEYGEN_FALLBACK_AVATAR_ID.value(),
      providerApiBaseUrl: PROVIDER_API_BASE_URL.value(),
      corsOrigins: CORS_ORIGINS.value(),
      heygenListCacheSeconds: HEYGEN_LIST_CACHE_SECONDS.value(),
      heygenPollConcurrency: HEYGEN_POLL_CONCURRENCY.value(),
      heygenRenderDeadlineMinutes: HEYGEN_RENDER_DEADLINE_MINUTES.value(),
      heygenUrlRefreshMarginMinutes: HEYGEN_URL_REFRESH_MARGIN_MINUTES.value(),
      avatarJobDeadlineMinutes: AVATAR_JOB_DEADLINE_MINUTES.value(),
      consentPolicyVersion: CONSENT_POLICY_VERSION.value(),
      minimumAge: MINIMUM_AGE.value(),
      quotas: {
        videosPerUserPerDay: QUOTA_VIDEOS_PER_USER_PER_DAY.value(),
        avatarJobsPerUserPerDay: QUOTA_AVATAR_JOBS_PER_USER_PER_DAY.value(),
        pendingAvatarJobsPerUser: QUOTA_PENDING_AVATAR_JOBS_PER_USER.value(),
        videoStatusPerUserPerMinute: RATE_VIDEO_STATUS_PER_USER_PER_MINUTE.value(),
        videoStatusFreshSeconds: VIDEO_STATUS_FRESH_SECONDS.value(),
        heygenVideosPerDay: QUOTA_HEYGEN_VIDEOS_PER_DAY.value(),
      },
      mediaRetentionDays: MEDIA_RETENTION_DAYS.value(),
      inputRetentionHours: INPUT_RETENTION_HOURS.value(),
      providerDownloadHosts: PROVIDER_DOWNLOAD_HOSTS.value(),
      heygenDownloadHosts: HEYGEN_DOWNLOAD_HOSTS.value(),
    },
    runtimeInfo(),
  );
}
