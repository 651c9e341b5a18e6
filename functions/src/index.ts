/**
 * Wiring only: every exported function and where its behaviour lives.
 *
 * - The API (HTTPS functions and callables): the operation table, api/operations.ts,
 *   each operation's implementation in handlers/ (its `load`).
 * - Triggers: handlers/document-triggers.ts; schedules: handlers/schedules.ts.
 * - Runtime options (timeout, memory, concurrency, instances): runtime-options.ts.
 *
 * Handlers load on first use, so a function's cold start pays only for its own modules.
 */
import { setGlobalOptions } from "firebase-functions/v2/options";
import { onDocumentCreated, onDocumentUpdated } from "firebase-functions/v2/firestore";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { callableFunctions, httpsFunctions } from "./http/functions";
import { HEYGEN_API_KEY, PROVIDER_API_KEY } from "./config";
import { RUNTIME } from "./runtime-options";

setGlobalOptions({ region: "us-central1" });

// ---- The API: one HTTPS function per Hosting path family, one callable per operation ----

export const {
  generate,
  video_status,
  avatars,
  voices,
  heygen_webhook,
  projects,
  avatar_jobs,
  avatar_assets,
  avatar_preferences,
  speech,
  me,
} = httpsFunctions();

export const {
  generate_call,
  video_status_call,
  avatars_call,
  voices_call,
  create_project_call,
  delete_project_call,
  create_avatar_job_call,
  avatar_job_call,
  avatar_asset_call,
  save_preferences_call,
  get_preferences_call,
  compute_speech_timeline_call,
  speech_timeline_call,
  me_call,
  record_consent_call,
  withdraw_consent_call,
  export_data_call,
  delete_account_call,
  erasure_status_call,
} = callableFunctions();

// ---- Firestore triggers ----

const documents = () => import("./handlers/document-triggers");

/** A video that just completed is archived (inputs deleted); a deferred generate is finished. */
export const on_project_updated = onDocumentUpdated(
  { ...RUNTIME.on_project_updated, document: "projects/{projectId}", secrets: [HEYGEN_API_KEY] },
  async (event) =>
    (await documents()).projectUpdated(
      event.params.projectId,
      event.data?.before.data(),
      event.data?.after.data(),
    ),
);

/** A new photoreal job: the selfie goes to the provider. */
export const on_avatar_job_created = onDocumentCreated(
  {
    ...RUNTIME.on_avatar_job_created,
    document: "avatar_jobs/{jobId}",
    secrets: [PROVIDER_API_KEY],
  },
  async (event) => (await documents()).avatarJobCreated(event.params.jobId),
);

/** A user document created without a created_at: the server stamps it. */
export const on_user_created = onDocumentCreated(
  { ...RUNTIME.on_user_created, document: "users/{uid}" },
  async (event) => (await documents()).userCreated(event.params.uid),
);

// ---- Schedules ----

const schedules = () => import("./handlers/schedules");

export const poll_heygen_videos = onSchedule(
  { ...RUNTIME.poll_heygen_videos, schedule: "every 5 minutes", secrets: [HEYGEN_API_KEY] },
  async () => (await schedules()).pollHeygenVideos(),
);

export const resume_deferred_generates = onSchedule(
  { ...RUNTIME.resume_deferred_generates, schedule: "every 5 minutes", secrets: [HEYGEN_API_KEY] },
  async () => (await schedules()).resumeDeferredGenerates(),
);

export const advance_avatar_jobs = onSchedule(
  { ...RUNTIME.advance_avatar_jobs, schedule: "every 1 minutes", secrets: [PROVIDER_API_KEY] },
  async () => (await schedules()).advanceAvatarJobs(),
);

export const advance_erasures = onSchedule(
  {
    ...RUNTIME.advance_erasures,
    schedule: "every 5 minutes",
    secrets: [HEYGEN_API_KEY, PROVIDER_API_KEY],
  },
  async () => (await schedules()).advanceErasures(),
);

export const purge_unused_inputs = onSchedule(
  { ...RUNTIME.purge_unused_inputs, schedule: "every 60 minutes" },
  async () => (await schedules()).purgeUnusedInputs(),
);

export const purge_expired_media = onSchedule(
  { ...RUNTIME.purge_expired_media, schedule: "every 24 hours" },
  async () => (await schedules()).purgeExpiredMedia(),
);

/**
 * The Auth account was deleted: the same erasure as `DELETE /api/me`
 * (./auth-user-deleted.ts). Auth delete events are offered by the v1 API only, whose
 * module loads every v1 provider (about 30 ms), so the export is defined on first
 * access: the runtime reads only its own function's export.
 */
Object.defineProperty(module.exports, "on_auth_user_deleted", {
  enumerable: true,
  get: (): unknown =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("./auth-user-deleted") as typeof import("./auth-user-deleted")).on_auth_user_deleted,
});
