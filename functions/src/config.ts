/**
 * The firebase-functions params and secrets, created from the one definition in
 * `./params.ts` (add a param there, nowhere else), and the run-time configuration
 * built from their values.
 *
 * Params are created at module scope (the CLI reads them at deploy time) and read
 * with `.value()` only at run time, inside `resolveConfig()`. Nothing else in `src/`
 * reads `process.env` for configuration (eslint enforces it).
 *
 * Local runs set them in `functions/.env.local` and `functions/.secret.local`
 * (emulator only), written from the same definition by `devtools/stack-env.ts`.
 */
import {
  defineBoolean,
  defineInt,
  defineSecret,
  defineString,
  type BooleanParam,
  type IntParam,
  type SecretParam,
  type StringParam,
} from "firebase-functions/params";
import {
  PARAMS,
  SETTING_NAMES,
  clampParams,
  paramDefaults,
  type BoolDef,
  type IntDef,
  type ParamDef,
  type ParamName,
  type ParamValues,
  type ProviderName,
  type SecretDef,
} from "./params";

import { legacyHeygenWarner } from "./legacy-heygen-warning";

export type { ParamValues, ProviderName } from "./params";

type FirebaseParam<D> = D extends SecretDef
  ? SecretParam
  : D extends IntDef
    ? IntParam
    : D extends BoolDef
      ? BooleanParam
      : StringParam;
type FirebaseParams = { [K in ParamName]: FirebaseParam<(typeof PARAMS)[K]> };

function define(name: string, d: ParamDef): SecretParam | IntParam | BooleanParam | StringParam {
  switch (d.kind) {
    case "secret":
      return defineSecret(name, { description: d.description });
    case "int":
      return defineInt(name, { default: d.default, description: d.description });
    case "bool":
      return defineBoolean(name, { default: d.default, description: d.description });
    case "string":
      return defineString(name, {
        default: d.default,
        description: d.description,
        ...(d.options
          ? { input: { select: { options: d.options.map((value) => ({ value })) } } }
          : {}),
      });
  }
}

/** Every param and secret as a firebase-functions param, by name. */
export const params = Object.fromEntries(
  Object.entries(PARAMS).map(([name, d]) => [name, define(name, d)]),
) as FirebaseParams;

/** The secrets functions bind in index.ts. */
export const { HEYGEN_API_KEY, HEYGEN_WEBHOOK_SECRET, PROVIDER_API_KEY } = params;

export type HeygenApiVersion = "v2" | "v3";
/** How a recorded voice reaches HeyGen: an asset upload, or a signed URL HeyGen downloads. */
export type HeygenAudioSource = "upload" | "url";

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
    audioSource: HeygenAudioSource;
    fallbackAvatarId: string | null;
    listCacheSeconds: number;
    pollConcurrency: number;
    renderDeadlineMinutes: number;
    /** generate waits this long for a new look inline, then answers 202 `preparing`. */
    lookWaitSeconds: number;
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
  /**
   * Every setting's value as defined in ./params.ts, ints within their bounds. A new
   * param is read here; the fields above are the ones that need more than a value
   * (lists, nulls, defaults that depend on the project).
   */
  params: ParamValues;
}

export interface QuotaConfig {
  videosPerUserPerDay: number;
  avatarJobsPerUserPerDay: number;
  pendingAvatarJobsPerUser: number;
  videoStatusPerUserPerMinute: number;
  videoStatusFreshSeconds: number;
  heygenVideosPerDay: number;
  /** Projects one user may have at once. */
  projectsPerUser: number;
}

/** The param values that are given (an undefined one is left out, so it keeps its value). */
export function givenParams(values: {
  [K in keyof ParamValues]?: ParamValues[K] | undefined;
}): Partial<ParamValues> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  ) as Partial<ParamValues>;
}

/** Quota overrides (tests, the bench) as the params they come from. */
export const quotaParams = (q: Partial<QuotaConfig> = {}): Partial<ParamValues> =>
  givenParams({
    QUOTA_VIDEOS_PER_USER_PER_DAY: q.videosPerUserPerDay,
    QUOTA_AVATAR_JOBS_PER_USER_PER_DAY: q.avatarJobsPerUserPerDay,
    QUOTA_PENDING_AVATAR_JOBS_PER_USER: q.pendingAvatarJobsPerUser,
    PROJECTS_PER_USER_MAX: q.projectsPerUser,
    RATE_VIDEO_STATUS_PER_USER_PER_MINUTE: q.videoStatusPerUserPerMinute,
    VIDEO_STATUS_FRESH_SECONDS: q.videoStatusFreshSeconds,
    QUOTA_HEYGEN_VIDEOS_PER_DAY: q.heygenVideosPerDay,
  });

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

export function defaultCorsOrigins(projectId: string): string[] {
  return [
    `https://${projectId}.web.app`,
    `https://${projectId}.firebaseapp.com`,
    "http://localhost",
    "http://127.0.0.1",
  ];
}

/**
 * Pure: turns param values (by param name; missing ones take their default) into an
 * AppConfig. Unit-tested without Firebase; the test context builds its own with it.
 */
export function buildConfig(
  raw: Partial<ParamValues>,
  runtime: { projectId: string; isEmulator: boolean; defaultBucket: string },
): AppConfig {
  const v = clampParams({ ...paramDefaults(), ...raw });
  const trimSlash = (u: string) => u.trim().replace(/\/+$/, "");
  const list = (s: string) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean);
  const choice = <T extends string>(
    name: "PROVIDER" | "HEYGEN_API_VERSION" | "HEYGEN_AUDIO_SOURCE",
  ): T => {
    const value = v[name].trim();
    const allowed = PARAMS[name].options ?? [];
    if (allowed.includes(value)) return value as T;
    throw new Error(`Parameter ${name} must be one of ${allowed.join(", ")}; got "${value}"`);
  };
  const cors = list(v.CORS_ORIGINS);
  return {
    projectId: runtime.projectId,
    isEmulator: runtime.isEmulator,
    storageBucket: v.STORAGE_BUCKET.trim() || runtime.defaultBucket,
    corsOrigins: cors.length > 0 ? cors : defaultCorsOrigins(runtime.projectId),
    heygen: {
      apiVersion: choice<HeygenApiVersion>("HEYGEN_API_VERSION"),
      apiBaseUrl: trimSlash(v.HEYGEN_API_BASE_URL),
      uploadBaseUrl: trimSlash(v.HEYGEN_UPLOAD_BASE_URL),
      audioSource: choice<HeygenAudioSource>("HEYGEN_AUDIO_SOURCE"),
      fallbackAvatarId: v.HEYGEN_FALLBACK_AVATAR_ID.trim() || null,
      listCacheSeconds: v.HEYGEN_LIST_CACHE_SECONDS,
      pollConcurrency: v.HEYGEN_POLL_CONCURRENCY,
      renderDeadlineMinutes: v.HEYGEN_RENDER_DEADLINE_MINUTES,
      lookWaitSeconds: v.HEYGEN_LOOK_WAIT_SECONDS,
      urlRefreshMarginMinutes: v.HEYGEN_URL_REFRESH_MARGIN_MINUTES,
      downloadHosts: list(v.HEYGEN_DOWNLOAD_HOSTS),
    },
    provider: {
      name: choice<ProviderName>("PROVIDER"),
      baseUrl: v.PROVIDER_API_BASE_URL.trim() ? trimSlash(v.PROVIDER_API_BASE_URL) : null,
      jobDeadlineMinutes: v.AVATAR_JOB_DEADLINE_MINUTES,
      downloadHosts: list(v.PROVIDER_DOWNLOAD_HOSTS),
    },
    consent: {
      policyVersion: v.CONSENT_POLICY_VERSION.trim() || PARAMS.CONSENT_POLICY_VERSION.default,
      minimumAge: v.MINIMUM_AGE,
    },
    quotas: {
      videosPerUserPerDay: v.QUOTA_VIDEOS_PER_USER_PER_DAY,
      avatarJobsPerUserPerDay: v.QUOTA_AVATAR_JOBS_PER_USER_PER_DAY,
      pendingAvatarJobsPerUser: v.QUOTA_PENDING_AVATAR_JOBS_PER_USER,
      videoStatusPerUserPerMinute: v.RATE_VIDEO_STATUS_PER_USER_PER_MINUTE,
      videoStatusFreshSeconds: v.VIDEO_STATUS_FRESH_SECONDS,
      heygenVideosPerDay: v.QUOTA_HEYGEN_VIDEOS_PER_DAY,
      projectsPerUser: v.PROJECTS_PER_USER_MAX,
    },
    mediaRetentionDays: v.MEDIA_RETENTION_DAYS,
    inputRetentionHours: v.INPUT_RETENTION_HOURS,
    params: v,
  };
}

/** Reads every setting at run time. Call it inside a handler, never at import time. */
export function readParams(): ParamValues {
  const out: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) out[name] = params[name].value();
  return out as ParamValues;
}

/** One warning per instance for a v2 configuration at HeyGen's real API (its cold start). */
const warnLegacyHeygen = legacyHeygenWarner();

/**
 * Reads every param at run time. Call it inside a handler, never at import time. The
 * first call of an instance (its cold start) warns about a legacy HeyGen configuration.
 */
export function resolveConfig(): AppConfig {
  const config = buildConfig(readParams(), runtimeInfo());
  warnLegacyHeygen(config);
  return config;
}
