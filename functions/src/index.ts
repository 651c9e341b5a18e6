/**
 * Wiring only: each export binds a handler to its trigger, with its runtime options
 * and the secrets it may read. Handlers are loaded lazily (cold start).
 */
import { setGlobalOptions } from "firebase-functions/v2/options";
import { onCall, onRequest, type CallableOptions } from "firebase-functions/v2/https";
import { onDocumentCreated, onDocumentUpdated } from "firebase-functions/v2/firestore";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { lazyHttp } from "./http/lazy";
import { callable } from "./http/callable";
import { HEYGEN_API_KEY, HEYGEN_WEBHOOK_SECRET, PROVIDER_API_KEY } from "./config";
import { RUNTIME } from "./runtime-options";

// Per-function timeout, memory, concurrency and maxInstances: ./runtime-options.ts.
setGlobalOptions({ region: "us-central1" });

/** POST /api/heygen/webhook: HeyGen's signed events; OPTIONS answers 200 at once (URL validation). */
const webhookHandler = lazyHttp("heygen_webhook");
export const heygen_webhook = onRequest(
  {
    ...RUNTIME.heygen_webhook,
    invoker: "public",
    cors: false,
    secrets: [HEYGEN_API_KEY, HEYGEN_WEBHOOK_SECRET],
  },
  async (req, res) => {
    // HeyGen validates the URL with an OPTIONS request and a 1-second timeout.
    if (req.method === "OPTIONS") {
      res.status(200).end();
      return;
    }
    await webhookHandler(req, res);
  },
);

/**
 * Every 5 minutes: unfinished HeyGen videos → their HeyGen state (deadline included),
 * completed videos' URLs refreshed before they expire. The run stops taking work
 * 60 s before its timeout; the rest is picked up next time, oldest first.
 */
export const poll_heygen_videos = onSchedule(
  { ...RUNTIME.poll_heygen_videos, schedule: "every 5 minutes", secrets: [HEYGEN_API_KEY] },
  async () => {
    const [{ pollHeygenVideos }, { getAppContext }] = await Promise.all([
      import("./services/heygen/poll-videos"),
      import("./context"),
    ]);
    await pollHeygenVideos(getAppContext(), { budgetMs: 240000 });
  },
);

/**
 * Every 5 minutes: deferred generates (202 `preparing`) nobody ran, because their
 * trigger failed or its worker died, are taken over (generation.deferred.resumeAt
 * passed), oldest first; each fails for good 30 minutes after its request.
 */
export const resume_deferred_generates = onSchedule(
  { ...RUNTIME.resume_deferred_generates, schedule: "every 5 minutes", secrets: [HEYGEN_API_KEY] },
  async () => {
    const [{ resumeStalled }, { getAppContext }] = await Promise.all([
      import("./handlers/deferred-generate"),
      import("./context"),
    ]);
    await resumeStalled(getAppContext(), { budgetMs: 420000 });
  },
);

/**
 * projects/{projectId} updated: a video that just completed gets its inputs deleted
 * and is streamed into Storage at once (archiveState → pending); a generate that just
 * deferred (its look not ready yet) is finished in the background. Exits early on
 * every other write, its own included.
 */
export const on_project_updated = onDocumentUpdated(
  { ...RUNTIME.on_project_updated, document: "projects/{projectId}", secrets: [HEYGEN_API_KEY] },
  async (event) => {
    const [before, after] = [event.data?.before.data(), event.data?.after.data()];
    const [{ videoJustCompleted }, { archiveJustQueued }, { generationJustDeferred }] =
      await Promise.all([
        import("./store/project-video"),
        import("./store/project-archive"),
        import("./store/project-generation"),
      ]);
    const change = {
      completedNow: videoJustCompleted(before, after),
      archiveNow: archiveJustQueued(before, after),
      deferredNow: generationJustDeferred(before, after),
    };
    if (!change.completedNow && !change.archiveNow && !change.deferredNow) return;
    const [handler, { getAppContext }] = await Promise.all([
      import("./handlers/on-project-updated"),
      import("./context"),
    ]);
    await handler.onProjectUpdated(getAppContext(), event.params.projectId, change);
  },
);

/** DELETE /api/projects/:projectId: the project with its archived MP4 and its HeyGen video. */
export const projects = onRequest(
  { ...RUNTIME.projects, invoker: "public", cors: false, secrets: [HEYGEN_API_KEY] },
  lazyHttp("projects"),
);

/** POST /avatar/jobs (multipart selfie) and GET /avatar/jobs/:jobId. */
export const avatar_jobs = onRequest(
  { ...RUNTIME.avatar_jobs, invoker: "public", cors: false },
  lazyHttp("avatar_jobs"),
);

/** GET /avatar/assets/:assetId → signed GLB URL (1 h), blendshape map, viseme map. */
export const avatar_assets = onRequest(
  { ...RUNTIME.avatar_assets, invoker: "public", cors: false },
  lazyHttp("avatar_assets"),
);

/** avatar_jobs/{jobId} created → submit the selfie to the provider (once, even if redelivered). */
export const on_avatar_job_created = onDocumentCreated(
  {
    ...RUNTIME.on_avatar_job_created,
    document: "avatar_jobs/{jobId}",
    secrets: [PROVIDER_API_KEY],
  },
  async (event) => {
    const [{ submitAvatarJob }, { getAppContext }] = await Promise.all([
      import("./services/avatar/submit-job"),
      import("./context"),
    ]);
    await submitAvatarJob(getAppContext(), event.params.jobId);
  },
);

/** Every minute: provider progress → jobs; finished GLBs → Storage + avatar_assets; deadlines. */
export const advance_avatar_jobs = onSchedule(
  { ...RUNTIME.advance_avatar_jobs, schedule: "every 1 minutes", secrets: [PROVIDER_API_KEY] },
  async () => {
    const [{ advanceAvatarJobs }, { getAppContext }] = await Promise.all([
      import("./services/avatar/advance-jobs"),
      import("./context"),
    ]);
    await advanceAvatarJobs(getAppContext(), { budgetMs: 240000 });
  },
);

/** POST /avatar/preferences and GET /avatar/preferences?assetId=. */
export const avatar_preferences = onRequest(
  { ...RUNTIME.avatar_preferences, invoker: "public", cors: false },
  lazyHttp("avatar_preferences"),
);

/**
 * GET /api/me (account state, consent per purpose), POST /api/me/consent,
 * DELETE /api/me/consent/{purpose} (withdrawal: deletes inputs at HeyGen and the provider).
 */
export const me = onRequest(
  // Public invoker: callers are authenticated by their Firebase ID token instead.
  // cors: false hands CORS (and OPTIONS) to our own router, in the emulator as in production.
  { ...RUNTIME.me, invoker: "public", cors: false, secrets: [HEYGEN_API_KEY, PROVIDER_API_KEY] },
  lazyHttp("me"),
);

/** POST /api/heygen/generate: photo + voice → HeyGen video (the Masky flow). */
export const generate = onRequest(
  { ...RUNTIME.generate, invoker: "public", cors: false, secrets: [HEYGEN_API_KEY] },
  lazyHttp("generate"),
);

/** GET /api/heygen/video_status.get?video_id=: refreshes and returns the caller's video. */
export const video_status = onRequest(
  { ...RUNTIME.video_status, invoker: "public", cors: false, secrets: [HEYGEN_API_KEY] },
  lazyHttp("video_status"),
);

/** GET /api/heygen/avatars: HeyGen avatars (cached). */
export const avatars = onRequest(
  { ...RUNTIME.avatars, invoker: "public", cors: false, secrets: [HEYGEN_API_KEY] },
  lazyHttp("avatars"),
);

/** GET /api/heygen/voices: HeyGen voices (cached). */
export const voices = onRequest(
  { ...RUNTIME.voices, invoker: "public", cors: false, secrets: [HEYGEN_API_KEY] },
  lazyHttp("voices"),
);

/** users/{uid} created by the client → the server stamps created_at. */
export const on_user_created = onDocumentCreated(
  { ...RUNTIME.on_user_created, document: "users/{uid}" },
  async (event) => {
    const [{ onUserCreated }, { getAppContext }] = await Promise.all([
      import("./handlers/on-user-created"),
      import("./context"),
    ]);
    await onUserCreated(getAppContext(), event.params.uid);
  },
);

/**
 * The Auth account was deleted: the same erasure as `DELETE /api/me`
 * (./auth-user-deleted.ts). Auth delete events are offered by the v1 API only, whose
 * module loads every v1 provider (the Realtime Database SDK included: about 30 ms), so
 * the export is defined on first access: the runtime reads only its own function's
 * export, and the other functions' cold start does not pay for this one.
 */
Object.defineProperty(module.exports, "on_auth_user_deleted", {
  enumerable: true,
  get: (): unknown =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("./auth-user-deleted") as typeof import("./auth-user-deleted")).on_auth_user_deleted,
});

/** Every 5 minutes: erasures that failed a step are resumed when their back-off is due. */
export const advance_erasures = onSchedule(
  {
    ...RUNTIME.advance_erasures,
    schedule: "every 5 minutes",
    secrets: [HEYGEN_API_KEY, PROVIDER_API_KEY],
  },
  async () => {
    const [{ advanceErasures }, { getAppContext }] = await Promise.all([
      import("./services/privacy/erasure"),
      import("./context"),
    ]);
    await advanceErasures(getAppContext(), { budgetMs: 480000 });
  },
);

/**
 * Hourly: photos and recordings no unfinished video needs, older than
 * INPUT_RETENTION_HOURS, are deleted from Storage (a completed video's inputs are
 * deleted at once by on_project_updated).
 */
export const purge_unused_inputs = onSchedule(
  { ...RUNTIME.purge_unused_inputs, schedule: "every 60 minutes" },
  async () => {
    const [{ purgeUnusedInputs }, { getAppContext }] = await Promise.all([
      import("./services/privacy/release-inputs"),
      import("./context"),
    ]);
    await purgeUnusedInputs(getAppContext(), { budgetMs: 480000 });
  },
);

/** Daily: archived videos and GLBs past MEDIA_RETENTION_DAYS are deleted from Storage. */
export const purge_expired_media = onSchedule(
  { ...RUNTIME.purge_expired_media, schedule: "every 24 hours" },
  async () => {
    const [{ purgeExpiredMedia }, { getAppContext }] = await Promise.all([
      import("./services/privacy/purge-expired-media"),
      import("./context"),
    ]);
    await purgeExpiredMedia(getAppContext());
  },
);

// ---- Callables: the web client's JSON actions (same services and schemas as HTTPS) ----
const callableOptions = (
  runtime: (typeof RUNTIME)[keyof typeof RUNTIME],
  extra: CallableOptions = {},
): CallableOptions => ({ ...runtime, ...extra });
const actions = () => import("./handlers/callables");

/** generate as a callable: `{projectId, ...}` → `{videoId, fallbackAvatarUsed}`. */
export const generate_call = onCall(
  callableOptions(RUNTIME.generate_call, { secrets: [HEYGEN_API_KEY] }),
  callable(async () => (await actions()).generateAction),
);

/** video_status as a callable: `{video_id}` → the refreshed status. */
export const video_status_call = onCall(
  callableOptions(RUNTIME.video_status_call, { secrets: [HEYGEN_API_KEY] }),
  callable(async () => (await actions()).videoStatusAction),
);

/** HeyGen avatar and voice listings (cached) as callables. */
export const avatars_call = onCall(
  callableOptions(RUNTIME.avatars_call, { secrets: [HEYGEN_API_KEY] }),
  callable(async () => (await actions()).avatarsAction),
);
export const voices_call = onCall(
  callableOptions(RUNTIME.voices_call, { secrets: [HEYGEN_API_KEY] }),
  callable(async () => (await actions()).voicesAction),
);

/** Avatar preferences: save `{assetId, appearance, voice, persona}`, read `{assetId}`. */
export const save_preferences_call = onCall(
  callableOptions(RUNTIME.save_preferences_call),
  callable(async () => (await actions()).savePreferencesAction),
);
export const get_preferences_call = onCall(
  callableOptions(RUNTIME.get_preferences_call),
  callable(async () => (await actions()).getPreferencesAction),
);

/** Account state and consent: `{}` → GET /api/me's body; record `{policyVersion, ageConfirmed, purposes}`; withdraw `{purpose}`. */
export const me_call = onCall(
  callableOptions(RUNTIME.me_call),
  callable(async () => (await actions()).accountAction),
);
export const record_consent_call = onCall(
  callableOptions(RUNTIME.record_consent_call),
  callable(async () => (await actions()).recordConsentAction),
);
export const withdraw_consent_call = onCall(
  callableOptions(RUNTIME.withdraw_consent_call, { secrets: [HEYGEN_API_KEY, PROVIDER_API_KEY] }),
  callable(async () => (await actions()).withdrawConsentAction),
);

/** Data rights: the export as JSON, the account's erasure and its status. */
export const export_data_call = onCall(
  callableOptions(RUNTIME.export_data_call),
  callable(async () => (await actions()).exportDataAction),
);
export const delete_account_call = onCall(
  callableOptions(RUNTIME.delete_account_call, { secrets: [HEYGEN_API_KEY, PROVIDER_API_KEY] }),
  callable(async () => (await actions()).deleteAccountAction),
);
export const erasure_status_call = onCall(
  callableOptions(RUNTIME.erasure_status_call),
  callable(async () => (await actions()).erasureStatusAction),
);
