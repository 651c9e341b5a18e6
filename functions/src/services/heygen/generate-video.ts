/**
 * `generate`: the Masky flow of the design, as named steps: folder → look → audio
 * (a recording uploaded, or a script to speak) → create → record. Each failure is
 * mapped to the design's error body once, by the step it happened in (stepError).
 * The voice is a recording (converted to MP3 and uploaded) or a script spoken by a
 * HeyGen voice (nothing converted or uploaded); see voice-source.ts.
 * A claim on the project (transaction + lease) makes a second call while a video is
 * in flight return the same video; the create carries our own idempotency key
 * (`video-{projectId}-{attempt}`), sent upstream where the API accepts one (v3).
 * A new photo look not ready within HEYGEN_LOOK_WAIT_SECONDS defers the rest to the
 * background (202 `preparing`, resume-generate.ts) instead of holding the request.
 */
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import { log, logUserId } from "../../logs";
import type { Project } from "../../store/projects";
import {
  claimSubmit,
  deferSubmit,
  generationState,
  failSubmit,
  markSubmitted,
  waitForVideoId,
  type GenerationLease,
} from "../../store/project-generation";
import { TempDir } from "../media/prepare";
import { heygenClientFor } from "./client";
import { ensureFolder } from "./ensure-folder";
import type { VoiceUsed } from "./voice-source";
import { requireGenerateConsent } from "./generate-consent";
import { reserveVideo, type Reservation } from "../quotas/video-quota";
import { LookNotReady } from "./ensure-look";
import { previousCreateMayExist } from "./find-lost-video";
import { getOwnedProject } from "../../store/projects";
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

/** 202: the look is still being prepared; the video is created in the background. */
export interface GeneratePreparing {
  status: "preparing";
  projectId: string;
  videoId: null;
  message: string;
}

export type GenerateAnswer = GenerateResult | GeneratePreparing;

export const preparingAnswer = (projectId: string): GeneratePreparing => ({
  status: "preparing",
  projectId,
  videoId: null,
  message:
    "HeyGen is still preparing your photo avatar; the video is created as soon as it is ready. Follow the project (its generation and heygenVideoId fields), or call generate again to get this answer.",
});

export type Submitted = GenerateResult & { scriptSha256: string | null };

export interface SubmitOptions {
  /** How long the look step waits for a new look (then LookNotReady). */
  lookWaitMs: number;
  /** Check the consent again after the look step (the background run waited minutes). */
  recheckConsent: boolean;
}

/** The seed's flow: folder → look → audio → create (the caller records the result). */
export async function submit(
  app: AppContext,
  uid: string,
  input: GenerateInput,
  project: Project,
  attempt: number,
  outcome: { createMayHaveHappened: boolean },
  opts: SubmitOptions,
): Promise<Submitted> {
  const client = heygenClientFor(app);
  const tmp = await TempDir.create();
  try {
    const { voice, tts, photo } = await step("prepare", () =>
      prepareInputs(app, uid, input, project, tmp),
    );
    const folderId = await step("folder", () => ensureFolder(app, client, uid));
    const speaker = await step("look", () =>
      lookStep(app, client, uid, input, photo, opts.lookWaitMs),
    );
    // After a long wait for the look, nothing more leaves without a consent that still holds.
    if (opts.recheckConsent) await requireGenerateConsent(app, uid, input);
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
 * is given back unless this call created a new one or deferred it to the background.
 */
export async function generateVideo(
  app: AppContext,
  uid: string,
  input: GenerateInput,
): Promise<GenerateAnswer> {
  await requireGenerateConsent(app, uid, input);
  // Deferred already: the same 202, without reserving (a user at the limit is not refused).
  const current = await getOwnedProject(app.db, input.projectId, uid);
  if (generationState(current) === "preparing" || current.generation?.deferred)
    return preparingAnswer(input.projectId);
  const quota = await reserveVideo(app, uid);
  let kept = false;
  try {
    return await claimAndSubmit(app, uid, input, quota, () => (kept = true));
  } finally {
    if (!kept) await quota.release();
  }
}

async function claimAndSubmit(
  app: AppContext,
  uid: string,
  input: GenerateInput,
  quota: Reservation,
  keepReservation: () => void,
): Promise<GenerateAnswer> {
  const claim = await claimSubmit(app.db, input.projectId, uid, app.clock.now());
  if (claim.kind === "existing") return claim.result;
  if (claim.kind === "preparing") return preparingAnswer(input.projectId);
  if (claim.kind === "in-progress") {
    const other = await waitForVideoId(app.db, input.projectId, uid, 120000);
    if (other === "preparing") return preparingAnswer(input.projectId);
    if (other) return other;
    throw new ApiError(
      "CONFLICT",
      "A video for this project is still being created; check its status in a minute.",
    );
  }
  const { lease, project } = claim;
  let submitted: Submitted;
  const outcome = { createMayHaveHappened: false };
  const lookWaitMs = app.config.heygen.lookWaitSeconds * 1000;
  try {
    submitted = await submit(app, uid, input, project, lease.attempt, outcome, {
      lookWaitMs,
      recheckConsent: false, // checked a moment ago, at the entry
    });
  } catch (err) {
    if (err instanceof LookNotReady) {
      // The rest runs in the background (on_project_updated → resume-generate.ts),
      // which owns the reserved video from here on: it gives it back if it fails.
      const deferred = await deferSubmit(app.db, input.projectId, lease, {
        request: JSON.parse(JSON.stringify(input)) as Record<string, unknown>,
        quotaWindow: quota.window,
        now: app.clock.now(),
        reuseAttempt: previousCreateMayExist(project),
      });
      if (!deferred) throw tookOver();
      keepReservation();
      log.info("generate deferred: the look is not ready yet", {
        user: logUserId(uid),
        projectId: input.projectId,
        lookId: err.lookId,
      });
      return preparingAnswer(input.projectId);
    }
    throw await recordFailure(app, input.projectId, lease, err, outcome);
  }
  keepReservation();
  if (!(await recordSubmitted(app, uid, input.projectId, lease, submitted))) throw tookOver();
  return {
    videoId: submitted.videoId,
    fallbackAvatarUsed: submitted.fallbackAvatarUsed,
    voice: submitted.voice,
  };
}

const tookOver = () =>
  new ApiError(
    "CONFLICT",
    "Another generate request took over this project; check its status in a minute.",
  );

/** Step 5, record: refused (false) when this lease expired and another worker took over. */
export async function recordSubmitted(
  app: AppContext,
  uid: string,
  projectId: string,
  lease: GenerationLease,
  submitted: Submitted,
): Promise<boolean> {
  const recorded = await markSubmitted(app.db, projectId, lease, {
    ...submitted,
    apiVersion: app.config.heygen.apiVersion,
    now: app.clock.now(),
  });
  if (recorded) {
    log.info("HeyGen video created", {
      user: logUserId(uid),
      projectId,
      videoId: submitted.videoId,
      attempt: lease.attempt,
      voiceSource: submitted.voice.source,
      voiceId: submitted.voice.voiceId,
    });
  }
  return recorded;
}

/** The failure kept on the project (under the lease); returns the error to answer with. */
export async function recordFailure(
  app: AppContext,
  projectId: string,
  lease: GenerationLease,
  err: unknown,
  outcome: { createMayHaveHappened: boolean },
): Promise<ApiError> {
  const apiErr = stepError("prepare", err); // already mapped by its step: passed through
  await failSubmit(app.db, projectId, lease, {
    error: apiErr,
    now: app.clock.now(),
    createMayHaveHappened: outcome.createMayHaveHappened,
  });
  return apiErr;
}
