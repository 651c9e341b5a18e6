/**
 * `generate`: the Masky flow of the design, as named steps: folder → look → audio
 * (a recording uploaded, or a script to speak) → create → record. Each failure is
 * mapped to the design's error body once, by the step it happened in (stepError).
 * The voice is a recording (converted to MP3 and uploaded) or a script spoken by a
 * HeyGen voice (nothing converted or uploaded); see voice-source.ts.
 * A claim on the project (transaction + lease) makes a second call while a video is
 * in flight return the same video; the create carries our own idempotency key
 * (`video-{projectId}-{attempt}`), sent upstream where the API accepts one (v3).
 */
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import { log, logUserId } from "../../logs";
import type { Project } from "../../store/projects";
import {
  claimSubmit,
  failSubmit,
  markSubmitted,
  waitForVideoId,
} from "../../store/project-generation";
import { TempDir } from "../media/prepare";
import { heygenClientFor } from "./client";
import { ensureFolder } from "./ensure-folder";
import type { VoiceUsed } from "./voice-source";
import { requireGenerateConsent } from "./generate-consent";
import { reserveVideo } from "../quotas/video-quota";
import {
  audioStep,
  createStep,
  lookStep,
  prepareInputs,
  scriptStep,
  step,
  stepError,
  createMayHaveHappened,
  type GenerateInput,
} from "./generate-steps";

export type { GenerateInput } from "./generate-steps";

export interface GenerateResult {
  videoId: string;
  fallbackAvatarUsed: boolean;
  /** The voice the video is spoken with (recorded, or a script's HeyGen voice and settings). */
  voice: VoiceUsed;
}

/** The seed's flow: folder → look → audio → create (the caller records the result). */
async function submit(
  app: AppContext,
  uid: string,
  input: GenerateInput,
  project: Project,
  attempt: number,
  outcome: { createMayHaveHappened: boolean },
): Promise<GenerateResult & { scriptSha256: string | null }> {
  const client = heygenClientFor(app);
  const tmp = await TempDir.create();
  try {
    const { voice, tts, photo } = await step("prepare", () =>
      prepareInputs(app, uid, input, project, tmp),
    );
    const folderId = await step("folder", () => ensureFolder(app, client, uid));
    const speaker = await step("look", () => lookStep(app, client, uid, input, photo));
    const speech = tts
      ? await step("script", () => scriptStep(app, tts, speaker))
      : await step("audio", async () => {
          if (!voice) throw new Error("no voice source was chosen");
          return audioStep(app, client, uid, project, voice, attempt);
        });
    const { videoId } = await step("create", () =>
      createStep(client, input, project, attempt, folderId, speaker, speech).catch((err) => {
        outcome.createMayHaveHappened = createMayHaveHappened(err);
        throw err;
      }),
    );
    return {
      videoId,
      fallbackAvatarUsed: speaker.fallbackAvatarUsed,
      voice: speech.used,
      scriptSha256: speech.scriptSha256,
    };
  } finally {
    await tmp.dispose();
  }
}

/**
 * The guarded entry point: ownership and consent first (403/404), then the video
 * budget (429 QUOTA_EXCEEDED), before anything is written or sent. The reserved video
 * is given back unless this call created a new one.
 */
export async function generateVideo(
  app: AppContext,
  uid: string,
  input: GenerateInput,
): Promise<GenerateResult> {
  await requireGenerateConsent(app, uid, input);
  const quota = await reserveVideo(app, uid);
  let created = false;
  try {
    return await claimAndSubmit(app, uid, input, () => (created = true));
  } finally {
    if (!created) await quota.release();
  }
}

async function claimAndSubmit(
  app: AppContext,
  uid: string,
  input: GenerateInput,
  onCreated: () => void,
): Promise<GenerateResult> {
  const claim = await claimSubmit(app.db, input.projectId, uid, app.clock.now());
  if (claim.kind === "existing") return claim.result;
  if (claim.kind === "in-progress") {
    const other = await waitForVideoId(app.db, input.projectId, uid, 120000);
    if (other) return other;
    throw new ApiError(
      "CONFLICT",
      "A video for this project is still being created; check its status in a minute.",
    );
  }
  const { lease, project } = claim;
  let submitted: Awaited<ReturnType<typeof submit>>;
  const outcome = { createMayHaveHappened: false };
  try {
    submitted = await submit(app, uid, input, project, lease.attempt, outcome);
  } catch (err) {
    const apiErr = stepError("prepare", err); // already mapped by its step: passed through
    await failSubmit(app.db, input.projectId, lease, {
      error: apiErr,
      now: app.clock.now(),
      createMayHaveHappened: outcome.createMayHaveHappened,
    });
    throw apiErr;
  }
  const { scriptSha256, ...result } = submitted;
  onCreated();
  // Step 5, record: refused when this call's lease expired and another call took over.
  const recorded = await markSubmitted(app.db, input.projectId, lease, {
    ...result,
    scriptSha256,
    apiVersion: app.config.heygen.apiVersion,
    now: app.clock.now(),
  });
  if (!recorded) {
    throw new ApiError(
      "CONFLICT",
      "Another generate request took over this project; check its status in a minute.",
    );
  }
  log.info("HeyGen video created", {
    user: logUserId(uid),
    projectId: input.projectId,
    videoId: result.videoId,
    attempt: lease.attempt,
    voiceSource: result.voice.source,
    voiceId: result.voice.voiceId,
  });
  return result;
}
