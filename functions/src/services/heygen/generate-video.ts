/**
 * `generate`, top to bottom: ownership and consent (403/404); a generate deferred
 * already answers 202 preparing again (nothing reserved); the video budget (429
 * QUOTA_EXCEEDED); the claim on the project (a video in flight is returned, a claim
 * held by another call is waited for); one attempt at the flow (attempt-video.ts) and its
 * record. The reserved video is given back unless this call created a video or deferred
 * it to the background (which then owns it). The create carries our own idempotency
 * key (`video-{projectId}-{attempt}`), sent upstream where the API accepts one (v3).
 */
import type { Firestore } from "firebase-admin/firestore";
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import {
  claimSubmit,
  isDeferred,
  submittedVideo,
  type SubmittedVideo,
} from "../../store/project-generation";
import { generationState, getOwnedProject } from "../../store/projects";
import { reserveVideo } from "../quotas/video-quota";
import { attemptVideo, settleAttempt } from "./attempt-video";
import { previousCreateMayExist } from "./find-lost-video";
import { requireGenerateConsent } from "./generate-consent";
import { projectDeletedError } from "./orphan-video";
import type { GenerateInput } from "./generate-steps";
import type { VoiceUsed } from "./voice-source";

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
    "HeyGen is still preparing your photo avatar; the video is created as soon as it is ready. Follow the project (its step and heygenVideoId fields), or call generate again to get this answer.",
});

/** The answer (or the error), and whether this call used the video it reserved. */
type Outcome =
  | { answer: GenerateAnswer; usedReservation: boolean }
  | { error: ApiError; usedReservation: boolean };

export async function generateVideo(
  app: AppContext,
  uid: string,
  input: GenerateInput,
): Promise<GenerateAnswer> {
  // 404 for another user's project comes before any consent answer.
  const project = await getOwnedProject(app.db, input.projectId, uid);
  await requireGenerateConsent(app, uid, input, project);
  // Deferred already: the same 202, without reserving (a user at the limit is not refused).
  if (isDeferred(project)) return preparingAnswer(input.projectId);
  const quota = await reserveVideo(app, uid);
  let outcome: Outcome;
  try {
    outcome = await claimAndAttempt(app, uid, input, quota.window);
  } catch (err) {
    await quota.release();
    throw err;
  }
  if (!outcome.usedReservation) await quota.release();
  if ("error" in outcome) throw outcome.error;
  return outcome.answer;
}

const tookOver = () =>
  new ApiError(
    "CONFLICT",
    "Another generate request took over this project; check its status in a minute.",
  );

async function claimAndAttempt(
  app: AppContext,
  uid: string,
  input: GenerateInput,
  quotaWindow: string,
): Promise<Outcome> {
  const { projectId } = input;
  const claim = await claimSubmit(app.db, projectId, uid, app.clock.now());
  if (claim.kind === "existing") return { answer: claim.result, usedReservation: false };
  if (claim.kind === "preparing")
    return { answer: preparingAnswer(projectId), usedReservation: false };
  if (claim.kind === "in-progress") {
    const other = await waitForVideoId(app.db, projectId, uid, 120000);
    if (!other)
      throw new ApiError(
        "CONFLICT",
        "A video for this project is still being created; check its status in a minute.",
      );
    const answer = other === "preparing" ? preparingAnswer(projectId) : other;
    return { answer, usedReservation: false };
  }
  const attempt = await attemptVideo(app, uid, input, claim.project, claim.lease.attempt, {
    lookWaitMs: app.config.heygen.lookWaitSeconds * 1000,
  });
  const settled = await settleAttempt(
    app,
    {
      projectId,
      uid,
      lease: claim.lease,
      earlierCreateMayExist: previousCreateMayExist(claim.project),
      request: JSON.parse(JSON.stringify(input)) as Record<string, unknown>,
      quotaWindow,
    },
    attempt,
  );
  switch (settled.kind) {
    case "submitted": {
      const { videoId, fallbackAvatarUsed, voice } = settled.video;
      return { answer: { videoId, fallbackAvatarUsed, voice }, usedReservation: true };
    }
    case "unrecorded":
      return { error: tookOver(), usedReservation: true };
    case "orphaned":
      // Deleted at HeyGen: nothing was made for the user, the video goes back to the quota.
      return {
        error: projectDeletedError(settled.outcome),
        usedReservation: settled.outcome !== "deleted",
      };
    case "deferred":
      // The rest runs in the background (on_project_updated → resume-generate.ts),
      // which owns the reserved video from here on: it gives it back if it fails.
      return { answer: preparingAnswer(projectId), usedReservation: true };
    case "defer-refused":
      return { error: tookOver(), usedReservation: false };
    case "failed":
      return { error: settled.error, usedReservation: false };
  }
}

/** Waits for a concurrent generate of the same project to publish its video id. */
async function waitForVideoId(
  db: Firestore,
  id: string,
  uid: string,
  timeoutMs: number,
): Promise<SubmittedVideo | "preparing" | null> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 200; Date.now() < deadline; delay = Math.min(delay * 1.5, 2000)) {
    await new Promise((r) => setTimeout(r, delay));
    const p = await getOwnedProject(db, id, uid);
    if (generationState(p) === "submitted" && p.heygenVideoId) {
      return submittedVideo(p, p.heygenVideoId);
    }
    if (isDeferred(p)) return "preparing";
    if (generationState(p) === "failed") {
      throw new ApiError(
        "CONFLICT",
        p.error?.message ?? "The other generate request for this project failed.",
      );
    }
  }
  return null;
}
