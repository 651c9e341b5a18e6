/**
 * Every parameter and secret of the backend, defined once: one entry per param.
 *
 * From this table come
 * - the firebase-functions params and secrets (`src/config.ts` defines them, read
 *   with `.value()` at run time only),
 * - the values the local stack (`npm start`) and the test stack write to their
 *   emulator-only `.env.local` / `.secret.local` (`devtools/stack-env.ts`, from `local`),
 * - the README's configuration table (`npx tsx devtools/config-doc.ts`; a unit test
 *   fails when the committed table is stale).
 *
 * Adding a param is adding one entry here; its value is then in
 * `app.config.params.NAME` (ints clamped to `min`/`max`). `local` is what the
 * simulated stacks use (the default when left out; required for secrets).
 *
 * Pure data and pure functions: no firebase import, so devtools and unit tests can
 * read it, and index.ts's cold start pays nothing for it.
 */

export type ProviderName = "avatar-sdk" | "in3d" | "didimo";

/** What the simulated stacks know when they write a value (project, simulator URLs). */
export interface LocalStack {
  projectId: string;
  heygenApiUrl: string;
  heygenUploadUrl: string;
  provider: { name: ProviderName; apiUrl: string; apiKey: string };
  /** The local App Check key set (the test stack signs its tokens with it). */
  appCheckJwksUrl: string;
}

type Local<T> = T | ((stack: LocalStack) => T);

interface Common {
  /** One sentence: the CLI shows it when it asks for a value, the README table prints it. */
  description: string;
}
export interface StringDef extends Common {
  kind: "string";
  default: string;
  /** The allowed values (the CLI offers them as a choice; `buildConfig` enforces them). */
  options?: readonly string[];
  local?: Local<string>;
}
export interface IntDef extends Common {
  kind: "int";
  default: number;
  min?: number;
  max?: number;
  local?: Local<number>;
}
export interface BoolDef extends Common {
  kind: "bool";
  default: boolean;
  local?: Local<boolean>;
}
export interface SecretDef extends Common {
  kind: "secret";
  /** Secrets have no default; the simulators accept this value. */
  local: Local<string>;
}
export type ParamDef = StringDef | IntDef | BoolDef | SecretDef;

const str = (d: Omit<StringDef, "kind">): StringDef => ({ kind: "string", ...d });
const int = (d: Omit<IntDef, "kind">): IntDef => ({ kind: "int", ...d });
const bool = (d: Omit<BoolDef, "kind">): BoolDef => ({ kind: "bool", ...d });
const secret = (d: Omit<SecretDef, "kind">): SecretDef => ({ kind: "secret", ...d });

export const PARAMS = {
  // --- Secrets ---------------------------------------------------------------------
  HEYGEN_API_KEY: secret({
    description: "HeyGen API key, sent as `X-Api-Key`",
    local: "sim-heygen-api-key",
  }),
  HEYGEN_WEBHOOK_SECRET: secret({
    description: "Signing secret of the registered HeyGen webhook endpoint (`endpoint.add`)",
    local: "sim-heygen-webhook-secret",
  }),
  PROVIDER_API_KEY: secret({
    description:
      "Photoreal provider credentials: Avatar SDK `client_id:client_secret`; Didimo and in3D their API key / bearer token as is",
    local: (s) => s.provider.apiKey,
  }),

  // --- Providers and upstream URLs -----------------------------------------------------
  PROVIDER: str({
    default: "avatar-sdk",
    options: ["avatar-sdk", "in3d", "didimo"],
    description: "Photoreal avatar provider: `avatar-sdk`, `in3d` or `didimo`",
    local: (s) => s.provider.name,
  }),
  STORAGE_BUCKET: str({
    default: "",
    description:
      "Cloud Storage bucket for uploads, videos and GLBs; empty = the project's default bucket",
    local: (s) => `${s.projectId}.appspot.com`,
  }),
  HEYGEN_API_VERSION: str({
    default: "v3",
    options: ["v3", "v2"],
    description:
      "HeyGen API flavour: `v3` (default) or `v2`, the seed's legacy flow, which HeyGen supported only until 2026-10-31 (kept for the local simulator; against HeyGen's own API an instance logs one warning at cold start)",
  }),
  HEYGEN_API_BASE_URL: str({
    default: "https://api.heygen.com",
    description: "Base URL of the HeyGen API",
    local: (s) => s.heygenApiUrl,
  }),
  HEYGEN_UPLOAD_BASE_URL: str({
    default: "https://upload.heygen.com",
    description: "Base URL of HeyGen's legacy upload host (v2 only)",
    local: (s) => s.heygenUploadUrl,
  }),
  HEYGEN_AUDIO_SOURCE: str({
    default: "upload",
    options: ["upload", "url"],
    description:
      "How a recorded voice reaches HeyGen: `upload` (an asset upload per video) or `url` (the converted MP3 is kept at `users/{uid}/heygen-audio/` and HeyGen gets a 24 h signed read URL of it as `audio_url`: one HeyGen call less per video; HeyGen must reach the bucket, so the emulator stack keeps `upload`)",
  }),
  HEYGEN_FALLBACK_AVATAR_ID: str({
    default: "",
    description: "Public HeyGen avatar used when the user has no photo; empty = none",
    // A public avatar of the HeyGen simulator's catalogue.
    local: "Anna_public_3_20240108",
  }),
  PROVIDER_API_BASE_URL: str({
    default: "",
    description: "Base URL of the photoreal provider; empty = the provider's public API",
    local: (s) => s.provider.apiUrl,
  }),
  CORS_ORIGINS: str({
    default: "",
    description:
      "Comma-separated origins allowed by CORS; empty = the project's Hosting domains and localhost; `*` = any",
  }),
  // The simulators are reached through the configured base URLs' hosts, always allowed.
  PROVIDER_DOWNLOAD_HOSTS: str({
    default: "",
    description:
      "Extra hosts (`host`, `host:port` or `*.suffix`, comma-separated) the provider's model files may be downloaded from, besides its API host and documented hosts",
  }),
  HEYGEN_DOWNLOAD_HOSTS: str({
    default: "",
    description:
      "Extra hosts (`host`, `host:port` or `*.suffix`, comma-separated) HeyGen's video files may be downloaded from, besides the API host, `*.heygen.ai` and `*.heygen.com`",
  }),
  // Off by default: a web client built without an App Check site key sends no token.
  APP_CHECK_ENFORCED: bool({
    default: false,
    description:
      "Every operation but HeyGen's webhook, HTTPS and callable alike, refuses requests without a valid App Check token (`X-Firebase-AppCheck`); turn it on once the web client is built with its reCAPTCHA Enterprise site key (`VITE_APP_CHECK_SITE_KEY`, docs/web-client.md)",
  }),
  APP_CHECK_JWKS_URL: str({
    default: "https://firebaseappcheck.googleapis.com/v1/jwks",
    description: "Where App Check's public signing keys are fetched from (its JWKS)",
    local: (s) => s.appCheckJwksUrl,
  }),

  // --- HeyGen timings ------------------------------------------------------------------
  HEYGEN_LIST_CACHE_SECONDS: int({
    default: 600,
    min: 0,
    description: "How long avatar and voice listings are cached",
  }),
  HEYGEN_POLL_CONCURRENCY: int({
    default: 4,
    min: 1,
    max: 20,
    description: "How many HeyGen status calls the poller makes at once",
  }),
  HEYGEN_RENDER_DEADLINE_MINUTES: int({
    default: 240,
    min: 1,
    description:
      "A render still not finished this long after it was created is marked failed (`RENDER_DEADLINE`)",
  }),
  HEYGEN_LOOK_WAIT_SECONDS: int({
    default: 8,
    min: 0,
    max: 120,
    description:
      "How long `generate` waits for a new photo look before it answers 202 `preparing` and finishes in the background",
  }),
  HEYGEN_URL_REFRESH_MARGIN_MINUTES: int({
    default: 24 * 60,
    min: 1,
    description:
      "A completed video's HeyGen URL is renewed this long before it expires, but not before half its lifetime has passed",
  }),
  AVATAR_JOB_DEADLINE_MINUTES: int({
    default: 60,
    min: 1,
    description: "A photoreal job not done this long after it was created ends in `error`",
  }),

  // --- Consent -------------------------------------------------------------------------
  CONSENT_POLICY_VERSION: str({
    default: "2026-12-01",
    description:
      "Version of the privacy policy users consent to; changing it requires consent again",
  }),
  MINIMUM_AGE: int({
    default: 18,
    min: 1,
    description: "Minimum age a user confirms when consenting; raising it requires consent again",
  }),

  // --- Quotas and rate limits (0 refuses everything the limit counts) -----------------
  QUOTA_VIDEOS_PER_USER_PER_DAY: int({
    default: 5,
    min: 0,
    description: "HeyGen videos one user may start per UTC day",
  }),
  QUOTA_AVATAR_JOBS_PER_USER_PER_DAY: int({
    default: 5,
    min: 0,
    description: "Photoreal 3D jobs one user may start per UTC day",
  }),
  PROJECTS_PER_USER_MAX: int({
    default: 100,
    min: 0,
    description:
      "Projects one user may have at once: create_project refuses more (the rules refuse client creates)",
  }),
  QUOTA_PENDING_AVATAR_JOBS_PER_USER: int({
    default: 2,
    min: 0,
    description: "Photoreal 3D jobs one user may have queued or processing at once",
  }),
  RATE_VIDEO_STATUS_PER_USER_PER_MINUTE: int({
    default: 30,
    min: 0,
    description: "`video_status` calls one user may make per minute",
  }),
  VIDEO_STATUS_FRESH_SECONDS: int({
    default: 10,
    min: 0,
    description:
      "`video_status` answers from the stored project, without HeyGen, while it is this fresh",
    // Status loops in tests and the demo stay quick.
    local: 2,
  }),
  QUOTA_HEYGEN_VIDEOS_PER_DAY: int({
    default: 200,
    min: 0,
    description: "HeyGen videos the whole project may start per UTC day (all users together)",
  }),

  // --- Retention -----------------------------------------------------------------------
  MEDIA_RETENTION_DAYS: int({
    default: 90,
    min: 1,
    description:
      "Archived videos and GLBs are kept this many days after they were stored, then purged",
  }),
  INPUT_RETENTION_HOURS: int({
    default: 24,
    min: 1,
    description:
      "Photos and recordings no unfinished video needs are deleted this many hours after their project last changed (a failed video can be tried again meanwhile)",
  }),
} satisfies Record<string, ParamDef>;

type Defs = typeof PARAMS;
export type ParamName = keyof Defs;
export type SecretName = { [K in ParamName]: Defs[K] extends SecretDef ? K : never }[ParamName];
/** The params that are not secrets: configuration values, safe to keep in memory. */
export type SettingName = Exclude<ParamName, SecretName>;
type ValueOf<D> = D extends IntDef ? number : D extends BoolDef ? boolean : string;
/** Every setting's value, typed by its kind. */
export type ParamValues = { [K in SettingName]: ValueOf<Defs[K]> };

const entries = (): [ParamName, ParamDef][] => Object.entries(PARAMS) as [ParamName, ParamDef][];

export const isSecretName = (name: ParamName): name is SecretName => PARAMS[name].kind === "secret";

export const SETTING_NAMES = entries()
  .filter(([, d]) => d.kind !== "secret")
  .map(([name]) => name as SettingName);
export const SECRET_NAMES = entries()
  .filter(([, d]) => d.kind === "secret")
  .map(([name]) => name as SecretName);

/** Each setting's default. */
export function paramDefaults(): ParamValues {
  const out: Record<string, unknown> = {};
  for (const [name, d] of entries()) if (d.kind !== "secret") out[name] = d.default;
  return out as ParamValues;
}

/** Ints kept within their `min`/`max` (a quota below 0 makes no sense; 0 switches it off). */
export function clampParams(values: ParamValues): ParamValues {
  const out: Record<string, unknown> = { ...values };
  for (const [name, d] of entries()) {
    if (d.kind !== "int") continue;
    let v = out[name] as number;
    if (d.min !== undefined) v = Math.max(d.min, v);
    if (d.max !== undefined) v = Math.min(d.max, v);
    out[name] = v;
  }
  return out as ParamValues;
}

/** The values a simulated stack uses: settings (typed) and secrets. */
export function localParamValues(stack: LocalStack): {
  settings: ParamValues;
  secrets: Record<SecretName, string>;
} {
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [name, d] of entries()) {
    const local: unknown = d.local;
    const v = typeof local === "function" ? (local as (s: LocalStack) => unknown)(stack) : local;
    if (d.kind === "secret") secrets[name] = v as string;
    else settings[name] = v ?? d.default;
  }
  return { settings: settings as ParamValues, secrets: secrets as Record<SecretName, string> };
}

/** Settings read from dotenv-style strings (`functions/.env.local`); unknown names ignored. */
export function parseParamValues(env: Record<string, string | undefined>): Partial<ParamValues> {
  const out: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const raw = env[name];
    if (raw === undefined) continue;
    const d = PARAMS[name] as ParamDef;
    out[name] = d.kind === "int" ? Number(raw) : d.kind === "bool" ? raw.trim() === "true" : raw;
  }
  return out as Partial<ParamValues>;
}
