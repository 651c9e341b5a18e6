/**
 * Every function's runtime options in one place: timeout, memory, concurrency (requests
 * one instance serves at once) and maxInstances, each with the reason. `index.ts`
 * spreads them into the function definitions; the deploy-surface test
 * (test/unit/runtime-options.test.ts) reads them back from the exported functions.
 */
import type { MemoryOption } from "firebase-functions/v2/options";

export interface RuntimeOptions {
  timeoutSeconds: number;
  memory: MemoryOption;
  /** Requests served at once by one instance (2nd gen). */
  concurrency: number;
  maxInstances: number;
}

/** I/O-bound JSON endpoints: they wait on Firestore or HeyGen, so one instance serves many. */
const JSON_ENDPOINT: RuntimeOptions = {
  timeoutSeconds: 60,
  memory: "256MiB",
  concurrency: 80,
  maxInstances: 20,
};

/** Background sweeps: one run at a time is enough; overlapping runs are safe but waste work. */
const SWEEP: Pick<RuntimeOptions, "concurrency" | "maxInstances"> = {
  concurrency: 1,
  maxInstances: 1,
};

export const RUNTIME = {
  // ffmpeg converts the recording and a new look is waited for: up to 9 minutes and
  // 1 GiB per conversion, so one request per instance keeps memory bounded.
  generate: { timeoutSeconds: 540, memory: "1GiB", concurrency: 1, maxInstances: 20 },
  // HeyGen expects a fast answer and retries; handling is a signature check and two reads.
  heygen_webhook: { ...JSON_ENDPOINT, timeoutSeconds: 60 },
  video_status: JSON_ENDPOINT,
  avatars: JSON_ENDPOINT,
  voices: JSON_ENDPOINT,
  // Withdrawal and erasure delete at HeyGen and the provider within the request.
  me: { ...JSON_ENDPOINT, timeoutSeconds: 300 },
  // Deletes the archive and the video at HeyGen.
  projects: { ...JSON_ENDPOINT, timeoutSeconds: 120 },
  // The multipart selfie (≤ 10 MB) is parsed from the buffered body: at most 8 bodies
  // at once keeps an instance well inside 1 GiB.
  avatar_jobs: { timeoutSeconds: 60, memory: "1GiB", concurrency: 8, maxInstances: 20 },
  avatar_assets: { ...JSON_ENDPOINT, timeoutSeconds: 30 },
  avatar_preferences: { ...JSON_ENDPOINT, timeoutSeconds: 30 },
  // Streams a finished MP4 into Storage (bounded memory per copy), up to 9 minutes; or
  // finishes a deferred generate (ffmpeg converts the recording): 1 GiB, two at a time.
  on_project_updated: { timeoutSeconds: 540, memory: "1GiB", concurrency: 2, maxInstances: 20 },
  // Uploads one selfie to the provider.
  on_avatar_job_created: {
    timeoutSeconds: 120,
    memory: "512MiB",
    concurrency: 4,
    maxInstances: 20,
  },
  on_user_created: { ...JSON_ENDPOINT, timeoutSeconds: 60 },
  // The poller stops taking work 60 s before its timeout.
  poll_heygen_videos: { timeoutSeconds: 300, memory: "256MiB", ...SWEEP },
  // Takes over deferred generates nobody ran: generate's work (ffmpeg), one at a time.
  resume_deferred_generates: { timeoutSeconds: 540, memory: "1GiB", ...SWEEP },
  // Finishing a job unpacks and parses a GLB of up to 150 MB.
  advance_avatar_jobs: { timeoutSeconds: 300, memory: "1GiB", ...SWEEP },
  // Erasures delete at several upstream systems; the run stops taking work before its end.
  advance_erasures: { timeoutSeconds: 540, memory: "256MiB", ...SWEEP },
  purge_expired_media: { timeoutSeconds: 540, memory: "256MiB", ...SWEEP },
  // Lists uploads page by page and reads each user's projects; stops taking work after 8 minutes.
  purge_unused_inputs: { timeoutSeconds: 540, memory: "256MiB", ...SWEEP },
  // Callables: the same work as their HTTPS twins.
  generate_call: { timeoutSeconds: 540, memory: "1GiB", concurrency: 1, maxInstances: 20 },
  video_status_call: JSON_ENDPOINT,
  avatars_call: JSON_ENDPOINT,
  voices_call: JSON_ENDPOINT,
  save_preferences_call: JSON_ENDPOINT,
  get_preferences_call: JSON_ENDPOINT,
  me_call: JSON_ENDPOINT,
  record_consent_call: JSON_ENDPOINT,
  // Withdrawal and erasure delete at HeyGen and the provider within the call, as `me` does.
  withdraw_consent_call: { ...JSON_ENDPOINT, timeoutSeconds: 300 },
  export_data_call: JSON_ENDPOINT,
  delete_account_call: { ...JSON_ENDPOINT, timeoutSeconds: 300 },
  erasure_status_call: JSON_ENDPOINT,
} satisfies Record<string, RuntimeOptions>;

/**
 * The v1 Auth delete trigger (1st gen: one request per instance, no concurrency
 * option): the erasure it starts may delete at several upstream systems.
 */
export const AUTH_DELETE_RUNTIME = {
  timeoutSeconds: 540,
  memory: "256MB",
  maxInstances: 10,
} as const;
