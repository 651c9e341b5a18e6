/**
 * Every function's runtime options in one place: timeout, memory, concurrency (requests
 * one instance serves at once) and maxInstances, each with the reason.
 *
 * The API's operations pick a profile from `OPERATION_RUNTIME` (api/operations.ts); an
 * operation's callable gets its profile as is, and an HTTPS function gets the most
 * demanding options of the operations it serves (`combineRuntime`). Triggers and
 * schedules are listed in `RUNTIME`. The deploy-surface test
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

/** The profiles the API's operations are defined with. */
export const OPERATION_RUNTIME = {
  json: JSON_ENDPOINT,
  // Reads of one document and a signed URL: a short timeout frees a stuck instance early.
  quickRead: { ...JSON_ENDPOINT, timeoutSeconds: 30 },
  // ffmpeg converts the recording and a new look is waited for: up to 9 minutes and
  // 1 GiB per conversion, so one request per instance keeps memory bounded.
  render: { timeoutSeconds: 540, memory: "1GiB", concurrency: 1, maxInstances: 20 },
  // Withdrawal and erasure delete at HeyGen and the provider within the request.
  upstreamDeletes: { ...JSON_ENDPOINT, timeoutSeconds: 300 },
  // Deletes the archive and the video at HeyGen.
  projectDelete: { ...JSON_ENDPOINT, timeoutSeconds: 120 },
  // The selfie (≤ 10 MB, multipart or base64) is held in memory while it is checked:
  // at most 8 requests at once keeps an instance well inside 1 GiB.
  selfieUpload: { timeoutSeconds: 60, memory: "1GiB", concurrency: 8, maxInstances: 20 },
  // A speech timeline: ffmpeg decodes the recording (≤ 100 MB, ≤ 10 minutes of audio) and
  // the engine analyses it at ~250× real time, 4 ms of CPU per second of audio: a few
  // seconds at most, bounded memory (streamed PCM); four at once share an instance.
  speech: { timeoutSeconds: 120, memory: "512MiB", concurrency: 4, maxInstances: 20 },
} satisfies Record<string, RuntimeOptions>;

/** Triggers and schedules (the API's functions come from the operation table). */
export const RUNTIME = {
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
} satisfies Record<string, RuntimeOptions>;

const MEMORY_ORDER: readonly MemoryOption[] = [
  "128MiB",
  "256MiB",
  "512MiB",
  "1GiB",
  "2GiB",
  "4GiB",
  "8GiB",
  "16GiB",
  "32GiB",
];

/**
 * The options of a function that serves several operations: each of them must fit, so
 * the longest timeout, the most memory, the fewest requests at once and the most
 * instances of any of them.
 */
export function combineRuntime(profiles: readonly RuntimeOptions[]): RuntimeOptions {
  if (profiles.length === 0) throw new Error("combineRuntime needs at least one profile");
  const rank = (m: MemoryOption) => MEMORY_ORDER.indexOf(m);
  return profiles.reduce((a, b) => ({
    timeoutSeconds: Math.max(a.timeoutSeconds, b.timeoutSeconds),
    memory: rank(b.memory) > rank(a.memory) ? b.memory : a.memory,
    concurrency: Math.min(a.concurrency, b.concurrency),
    maxInstances: Math.max(a.maxInstances, b.maxInstances),
  }));
}

/**
 * The v1 Auth delete trigger (1st gen: one request per instance, no concurrency
 * option): the erasure it starts may delete at several upstream systems.
 */
export const AUTH_DELETE_RUNTIME = {
  timeoutSeconds: 540,
  memory: "256MB",
  maxInstances: 10,
} as const;
