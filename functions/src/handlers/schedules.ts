/**
 * The scheduled functions' bodies (index.ts wires them to their schedules): each loads
 * its service and runs it with a time budget that ends before the function's timeout,
 * so a run stops taking work in time and the next run picks up the rest.
 */
import { getAppContext } from "../context";
import { RUNTIME, type RuntimeOptions } from "../runtime-options";

/** The function's timeout less a margin for the work already started, in ms. */
const budget = (runtime: RuntimeOptions, marginSeconds: number) => ({
  budgetMs: (runtime.timeoutSeconds - marginSeconds) * 1000,
});

/** Unfinished HeyGen videos → their HeyGen state; completed videos' URLs refreshed before they expire. */
export async function pollHeygenVideos(): Promise<void> {
  const { pollHeygenVideos: poll } = await import("../services/heygen/poll-videos");
  await poll(getAppContext(), budget(RUNTIME.poll_heygen_videos, 60));
}

/** Deferred generates nobody ran are taken over; a conversion may take two minutes to end. */
export async function resumeDeferredGenerates(): Promise<void> {
  const { resumeStalled } = await import("./deferred-generate");
  await resumeStalled(getAppContext(), budget(RUNTIME.resume_deferred_generates, 120));
}

/** Provider progress → jobs; finished GLBs → Storage and avatar_assets; deadlines. */
export async function advanceAvatarJobs(): Promise<void> {
  const { advanceAvatarJobs: advance } = await import("../services/avatar/advance-jobs");
  await advance(getAppContext(), budget(RUNTIME.advance_avatar_jobs, 60));
}

/** Erasures that failed a step are resumed when their back-off is due. */
export async function advanceErasures(): Promise<void> {
  const { advanceErasures: advance } = await import("../services/privacy/erasure");
  await advance(getAppContext(), budget(RUNTIME.advance_erasures, 60));
}

/** Inputs no unfinished video needs, older than INPUT_RETENTION_HOURS, are deleted. */
export async function purgeUnusedInputs(): Promise<void> {
  const { purgeUnusedInputs: purge } = await import("../services/privacy/release-inputs");
  await purge(getAppContext(), budget(RUNTIME.purge_unused_inputs, 60));
}

/** Archived videos and GLBs past MEDIA_RETENTION_DAYS are deleted. */
export async function purgeExpiredMedia(): Promise<void> {
  const { purgeExpiredMedia: purge } = await import("../services/privacy/purge-expired-media");
  await purge(getAppContext());
}
