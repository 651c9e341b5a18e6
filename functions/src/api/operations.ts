/**
 * The API: every operation of the two public surfaces, defined once.
 *
 * An entry says how the operation is reached (method and path of its HTTPS route, the
 * HTTPS function that serves it, whether it also has a callable `<name>_call`), who may
 * call it (a signed-in user or HeyGen's signature; App Check), what it runs with
 * (runtime profile, secrets) and where its implementation is: the input and output
 * schemas and the one function both surfaces run (`load`, a handlers/ module).
 *
 * From this table come the HTTPS functions and their routes, the callables
 * (http/functions.ts), CORS, the OpenAPI document (devtools/openapi.ts), the operation
 * list of docs/api.md (devtools/api-doc.ts) and the web client's types (./contract.ts).
 *
 * Light on purpose: index.ts imports it, so it holds data and type imports only; the
 * schemas and services load on an operation's first request.
 */
import type { z } from "zod";
import type { SecretName } from "../params";
import type { ConsentPurpose } from "../store/consent";
import type { AuthedUser } from "../http/auth";
import { OPERATION_RUNTIME as RUN, type RuntimeOptions } from "../runtime-options";
import type { OperationImpl, SuccessResponse } from "./operation";

export type HttpMethod = "GET" | "POST" | "DELETE";

/** Any operation's implementation, its schemas' types left open. */
type Impl<C extends AuthedUser | null> = OperationImpl<z.ZodType, readonly SuccessResponse[], C>;

interface EntryBase {
  /** One line: what the operation does (the OpenAPI summary). */
  summary: string;
  method: HttpMethod;
  /** The HTTPS path (Hosting rewrites it to `https`); `:name` is a path parameter of the input. */
  path: string;
  /** The exported HTTPS function whose routes include this one. */
  https: string;
  runtime: RuntimeOptions;
  /** The secrets the operation reads (bound to its functions). */
  secrets: readonly SecretName[];
}

/** Called by a signed-in Firebase user, over HTTPS and as the callable `<name>_call`. */
interface UserEntry extends EntryBase {
  auth: "user";
  callable: true;
  /** With APP_CHECK_ENFORCED on, a request without a valid App Check token is refused. */
  appCheck: true;
  /** Consent checked before the input is even read: a selfie is not parsed without it. */
  requiresConsent?: readonly ConsentPurpose[];
  load(): Promise<Impl<AuthedUser>>;
}

/**
 * Called by HeyGen, authenticated by its signature over the raw body: HTTPS only, no
 * App Check (HeyGen has no app), no CORS; an OPTIONS request is answered 200 at once
 * (HeyGen checks the URL that way, with a one-second timeout).
 */
interface SignedEntry extends EntryBase {
  auth: "heygen-signature";
  callable: false;
  appCheck: false;
  load(): Promise<Impl<null>>;
}

export type OperationEntry = UserEntry | SignedEntry;

const heygen = () => import("../handlers/heygen");
const webhook = () => import("../handlers/heygen-webhook");
const projects = () => import("../handlers/projects");
const avatar = () => import("../handlers/avatar");
const account = () => import("../handlers/me");
const speech = () => import("../handlers/speech");

const user = { auth: "user", callable: true, appCheck: true } as const;

export const OPERATIONS = {
  generate: {
    ...user,
    summary:
      "Create the project's HeyGen video from its photo (or an avatar id) and exactly one voice source: the recorded voice, or a script spoken by a HeyGen voice",
    method: "POST",
    path: "/api/heygen/generate",
    https: "generate",
    runtime: RUN.render,
    secrets: ["HEYGEN_API_KEY"],
    load: async () => (await heygen()).generate,
  },
  video_status: {
    ...user,
    summary: "Refresh and return the caller's video",
    method: "GET",
    path: "/api/heygen/video_status.get",
    https: "video_status",
    runtime: RUN.json,
    secrets: ["HEYGEN_API_KEY"],
    load: async () => (await heygen()).videoStatus,
  },
  avatars: {
    ...user,
    summary: "HeyGen's public avatars (cached) and the caller's own looks",
    method: "GET",
    path: "/api/heygen/avatars",
    https: "avatars",
    runtime: RUN.json,
    secrets: ["HEYGEN_API_KEY"],
    load: async () => (await heygen()).avatars,
  },
  voices: {
    ...user,
    summary: "HeyGen voices (cached), filterable by language and gender",
    method: "GET",
    path: "/api/heygen/voices",
    https: "voices",
    runtime: RUN.json,
    secrets: ["HEYGEN_API_KEY"],
    load: async () => (await heygen()).voices,
  },
  heygen_webhook: {
    auth: "heygen-signature",
    callable: false,
    appCheck: false,
    summary: "HeyGen events (avatar_video.success / .fail), signed",
    method: "POST",
    path: "/api/heygen/webhook",
    https: "heygen_webhook",
    // HeyGen expects a fast answer and retries; handling is a signature check and two reads.
    runtime: RUN.json,
    secrets: ["HEYGEN_API_KEY", "HEYGEN_WEBHOOK_SECRET"],
    load: async () => (await webhook()).heygenWebhook,
  },
  create_project: {
    ...user,
    summary: "Create a project for the caller (at most PROJECTS_PER_USER_MAX per user)",
    method: "POST",
    path: "/api/projects",
    https: "projects",
    runtime: RUN.json,
    secrets: [],
    load: async () => (await projects()).createProject,
  },
  delete_project: {
    ...user,
    summary:
      "Delete the caller's project with its archived MP4 and its video at HeyGen (v3; v2 reported not deletable)",
    method: "DELETE",
    path: "/api/projects/:projectId",
    https: "projects",
    runtime: RUN.projectDelete,
    secrets: ["HEYGEN_API_KEY"],
    load: async () => (await projects()).deleteProject,
  },
  create_avatar_job: {
    ...user,
    summary: "Create a photoreal avatar job from a selfie",
    method: "POST",
    path: "/avatar/jobs",
    https: "avatar_jobs",
    requiresConsent: ["avatar_3d"],
    runtime: RUN.selfieUpload,
    secrets: [],
    load: async () => (await avatar()).createAvatarJob,
  },
  avatar_job: {
    ...user,
    summary: "The caller's photoreal avatar job",
    method: "GET",
    path: "/avatar/jobs/:jobId",
    https: "avatar_jobs",
    runtime: RUN.json,
    secrets: [],
    load: async () => (await avatar()).avatarJob,
  },
  avatar_asset: {
    ...user,
    summary: "Signed URL of the caller's GLB with its blendshape and viseme maps",
    method: "GET",
    path: "/avatar/assets/:assetId",
    https: "avatar_assets",
    runtime: RUN.quickRead,
    secrets: [],
    load: async () => (await avatar()).avatarAsset,
  },
  save_preferences: {
    ...user,
    summary: "Save preferences for one of the caller's assets",
    method: "POST",
    path: "/avatar/preferences",
    https: "avatar_preferences",
    runtime: RUN.quickRead,
    secrets: [],
    load: async () => (await avatar()).savePreferences,
  },
  get_preferences: {
    ...user,
    summary: "Preferences of one of the caller's assets",
    method: "GET",
    path: "/avatar/preferences",
    https: "avatar_preferences",
    runtime: RUN.quickRead,
    secrets: [],
    load: async () => (await avatar()).getPreferences,
  },
  compute_speech_timeline: {
    ...user,
    summary:
      "The speech timeline of a recording in the caller's Storage folder (voice, visemes, words when the text is given): computed here, or answered from the caller's timelines of the same audio; the recording is then deleted unless a video needs it",
    method: "POST",
    path: "/api/speech/timelines",
    https: "speech",
    requiresConsent: ["speech_timeline"],
    runtime: RUN.speech,
    secrets: [],
    load: async () => (await speech()).computeSpeechTimeline,
  },
  speech_timeline: {
    ...user,
    summary: "One of the caller's stored speech timelines, by its id (the audio's sha256)",
    method: "GET",
    path: "/api/speech/timelines/:timelineId",
    https: "speech",
    runtime: RUN.quickRead,
    secrets: [],
    load: async () => (await speech()).speechTimeline,
  },
  me: {
    ...user,
    summary: "The caller's account state and consent per purpose under the current policy",
    method: "GET",
    path: "/api/me",
    https: "me",
    runtime: RUN.json,
    secrets: [],
    load: async () => (await account()).me,
  },
  record_consent: {
    ...user,
    summary:
      "Record consent to the current policy version for purposes (the server's time, the minimum age confirmed)",
    method: "POST",
    path: "/api/me/consent",
    https: "me",
    runtime: RUN.json,
    secrets: [],
    load: async () => (await account()).recordConsent,
  },
  withdraw_consent: {
    ...user,
    summary:
      "Withdraw consent for one purpose: its pending work ends cancelled, its inputs are deleted (Storage, HeyGen, the 3D provider)",
    method: "DELETE",
    path: "/api/me/consent/:purpose",
    https: "me",
    runtime: RUN.upstreamDeletes,
    secrets: ["HEYGEN_API_KEY", "PROVIDER_API_KEY"],
    load: async () => (await account()).withdrawConsent,
  },
  export_data: {
    ...user,
    summary:
      "Everything stored about the caller as one JSON document, with signed URLs (1 h) to their media",
    method: "GET",
    path: "/api/me/export",
    https: "me",
    runtime: RUN.json,
    secrets: [],
    load: async () => (await account()).exportData,
  },
  delete_account: {
    ...user,
    summary:
      "Erase the account: HeyGen, the 3D provider, Storage, Firestore, then the Auth user (durable, resumed by advance_erasures)",
    method: "DELETE",
    path: "/api/me",
    https: "me",
    runtime: RUN.upstreamDeletes,
    secrets: ["HEYGEN_API_KEY", "PROVIDER_API_KEY"],
    load: async () => (await account()).deleteAccount,
  },
  erasure_status: {
    ...user,
    summary: "The caller's account erasure, readable until the Auth user is gone",
    method: "GET",
    path: "/api/me/erasure",
    https: "me",
    runtime: RUN.json,
    secrets: [],
    load: async () => (await account()).erasureStatus,
  },
} as const satisfies Record<string, OperationEntry>;

export type OperationName = keyof typeof OPERATIONS;
export type HttpsFunctionName = (typeof OPERATIONS)[OperationName]["https"];
/** The operations that also have a callable (`<name>_call`). */
export type CallableOperationName = {
  [K in OperationName]: (typeof OPERATIONS)[K]["callable"] extends true ? K : never;
}[OperationName];
export type CallableFunctionName = `${CallableOperationName}_call`;

export const callableNameOf = <K extends CallableOperationName>(name: K): `${K}_call` =>
  `${name}_call`;

/** The table's entries with their names, in table order. */
export const operationList = (): [OperationName, OperationEntry][] =>
  Object.entries(OPERATIONS) as [OperationName, OperationEntry][];
