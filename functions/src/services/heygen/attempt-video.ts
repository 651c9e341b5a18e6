/**
 * One attempt at the Masky flow of the design (folder → look → audio or script →
 * create) and the one place its outcome is recorded on the project, under the claim's
 * lease. `generate` (generate-video.ts) and a deferred generate's background run
 * (resume-generate.ts) both run `attemptVideo` and then `settleAttempt`:
 *
 * - created: the project gets its video (generation submitted, video pending);
 * - the new look is not ready within the wait: deferred (generation preparing), the
 *   request and the reserved video kept for the background run;
 * - failed: the failure is kept with the project; when the create may have reached
 *   HeyGen (a 5xx, a timeout, a lost answer, or an earlier take-over), the next claim
 *   keeps the attempt, so its create is replayed or found, never billed twice.
 */
import type { AppContext } from "../../context";
import type { ApiError } from "../../errors";
import { log, logUserId } from "../../logs";
import { failSubmit, markSubmitted, type GenerationLease } from "../../store/project-generation";
import { deferSubmit } from "../../store/project-deferral";
import { getProject, type Project } from "../../store/projects";
import { TempDir } from "../media/prepare";
import { captionsPlan } from "../captions/captions-source";
import type { CaptionsPlan } from "../../store/projects";
import { heygenClientFor } from "./client";
import { ensureFolder } from "./ensure-folder";
import { LookNotReady } from "./ensure-look";
import { consentGate } from "./consent-gate";
import {
  audioStep,
  createMayHaveHappened,
  createStep,
  lookStep,
  prepareInputs,
  scriptStep,
  step,
  stepError,
  type GenerateInput,
} from "./generate-steps";
import { deleteOrphanVideo, type OrphanOutcome } from "./orphan-video";
import type { VoiceUsed } from "./voice-source";

export interface CreatedVideo {
  videoId: string;
  fallbackAvatarUsed: boolean;
  /** The voice the video is spoken with (recorded, or a script's HeyGen voice and settings). */
  voice: VoiceUsed;
  scriptSha256: string | null;
  /** What the video's captions will be made of (written when it is archived). */
  captions: CaptionsPlan;
}

/** What one attempt came to. */
export type Attempt =
  | { kind: "created"; video: CreatedVideo }
  | { kind: "look-not-ready"; lookId: string }
  | { kind: "failed"; error: ApiError; createMayHaveHappened: boolean };

export const failedAttempt = (err: unknown): Attempt => ({
  kind: "failed",
  error: stepError("prepare", err), // an error mapped by its step already is passed through
  createMayHaveHappened: false,
});

export interface AttemptOptions {
  /** How long the look step waits for a new look (then: look-not-ready). */
  lookWaitMs: number;
}

/** The seed's flow, once, for the claimed attempt. */
export async function attemptVideo(
  app: AppContext,
  uid: string,
  input: GenerateInput,
  project: Project,
  attempt: number,
  opts: AttemptOptions,
): Promise<Attempt> {
  const client = heygenClientFor(app);
  // Before each upstream call that sends the face or the voice, the consent still holds.
  const gate = consentGate(app, uid, input, project);
  const tmp = await TempDir.create();
  try {
    const { voice, tts, photo } = await step("prepare", () =>
      prepareInputs(app, uid, input, project, tmp),
    );
    const folderId = await step("folder", () => ensureFolder(app, client, uid));
    if (photo) await gate(); // the look step uploads the photo and creates the look
    const speaker = await step("look", () =>
      lookStep(app, client, uid, input, photo, opts.lookWaitMs),
    );
    await gate(); // after the wait for the look, before the audio upload or the script
    const speech = tts
      ? await step("script", () => scriptStep(app, tts, speaker))
      : await step("audio", async () => {
          if (!voice) throw new Error("no voice source was chosen");
          return audioStep(app, client, uid, project, voice, attempt);
        });
    await gate(); // the uploads done, before the video is created
    try {
      const { videoId } = await createStep(
        client,
        input,
        project,
        attempt,
        folderId,
        speaker,
        speech,
      );
      const video = {
        videoId,
        fallbackAvatarUsed: speaker.fallbackAvatarUsed,
        voice: speech.used,
        scriptSha256: speech.scriptSha256,
        captions: captionsPlan(tts ? { script: tts.script } : { transcript: input.transcript }),
      };
      return { kind: "created", video };
    } catch (err) {
      return {
        kind: "failed",
        error: stepError("create", err),
        createMayHaveHappened: createMayHaveHappened(err),
      };
    }
  } catch (err) {
    if (err instanceof LookNotReady) {
      // The look was created: a withdrawal during it is not left for the background run.
      const withdrawn = await gate().then(
        () => null,
        (e: unknown) => e,
      );
      if (withdrawn) return failedAttempt(withdrawn);
      return { kind: "look-not-ready", lookId: err.lookId };
    }
    return failedAttempt(err);
  } finally {
    await tmp.dispose();
  }
}

/** The claimed run an attempt belongs to. */
export interface ClaimedRun {
  projectId: string;
  uid: string;
  lease: GenerationLease;
  /** A create of this attempt may exist upstream already (take-over, earlier doubt). */
  earlierCreateMayExist: boolean;
  /** The request and its reserved video, kept when the run is deferred. */
  request: Record<string, unknown>;
  quotaWindow: string;
  /** When the request was first deferred (a background run deferring again keeps it). */
  firstDeferredAt?: Date;
}

export type Settled =
  | { kind: "submitted"; video: CreatedVideo }
  /** The video exists but the lease was lost: a take-over records it (key replay or lookup). */
  | { kind: "unrecorded"; video: CreatedVideo }
  /** The project was deleted meanwhile: its video was deleted upstream at once (or tried). */
  | { kind: "orphaned"; video: CreatedVideo; outcome: OrphanOutcome }
  | { kind: "deferred" }
  | { kind: "defer-refused" }
  /** recorded: this run's failure was written (its lease still held). */
  | { kind: "failed"; error: ApiError; recorded: boolean };

/** Records the attempt's outcome on the project under the run's lease. */
export async function settleAttempt(
  app: AppContext,
  run: ClaimedRun,
  attempt: Attempt,
): Promise<Settled> {
  const { projectId, lease } = run;
  const now = app.clock.now();
  if (attempt.kind === "created") {
    const { video } = attempt;
    const recorded = await markSubmitted(app.db, projectId, lease, {
      ...video,
      apiVersion: app.config.heygen.apiVersion,
      now,
    });
    if (!recorded) {
      if (await getProject(app.db, projectId)) return { kind: "unrecorded", video };
      const outcome = await deleteOrphanVideo(app, {
        uid: run.uid,
        projectId,
        videoId: video.videoId,
      });
      return { kind: "orphaned", video, outcome };
    }
    log.info("HeyGen video created", {
      user: logUserId(run.uid),
      projectId,
      videoId: video.videoId,
      attempt: lease.attempt,
      voiceSource: video.voice.source,
      voiceId: video.voice.voiceId,
    });
    return { kind: "submitted", video };
  }
  if (attempt.kind === "look-not-ready") {
    const deferred = await deferSubmit(app.db, projectId, lease, {
      request: run.request,
      quotaWindow: run.quotaWindow,
      now,
      firstDeferredAt: run.firstDeferredAt,
      reuseAttempt: run.earlierCreateMayExist,
    });
    if (!deferred) return { kind: "defer-refused" };
    log.info("generate deferred: the look is not ready yet", {
      user: logUserId(run.uid),
      projectId,
      lookId: attempt.lookId,
    });
    return { kind: "deferred" };
  }
  const recorded = await failSubmit(app.db, projectId, lease, {
    error: attempt.error,
    now,
    createMayHaveHappened: attempt.createMayHaveHappened || run.earlierCreateMayExist,
  });
  return { kind: "failed", error: attempt.error, recorded };
}
