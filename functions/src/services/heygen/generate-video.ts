/**
 * `generate`: the Masky flow of the design (folder → avatar → audio → create video).
 * A claim on the project (transaction + lease) makes a second call while a video is
 * in flight return the same video; the create carries our own idempotency key
 * (`video-{projectId}-{attempt}`), sent upstream where the API accepts one (v3).
 */
import type { AppContext } from "../../context";
import type { VideoCharacter } from "../../clients/heygen";
import { ApiError } from "../../errors";
import { log } from "../../logs";
import { getBucket } from "../../clients/storage/bucket";
import {
  claimGeneration,
  recordGenerateFailure,
  recordSubmitted,
  waitForVideoId,
  type Project,
} from "../../store/projects";
import { preparePhoto, prepareVoice, TempDir } from "../media/prepare";
import { resolveStorageReference } from "../media/storage-reference";
import { heygenClientFor } from "./client";
import { ensureFolder } from "./ensure-folder";
import { ensureLook } from "./ensure-look";
import { heygenToApiError } from "./upstream-errors";
import { requireGenerateConsent } from "./generate-consent";
import { rememberHeygenAsset } from "../../store/heygen-assets";
import { reserveVideo } from "../quotas/video-quota";

export interface GenerateInput {
  projectId: string;
  voiceUrl?: string;
  userAvatarUrl?: string;
  heygenAvatarId?: string;
  width?: number;
  height?: number;
  avatarStyle?: "normal" | "closeUp" | "circle";
}

export interface GenerateResult {
  videoId: string;
  fallbackAvatarUsed: boolean;
}

/** Longer than the whole flow can take inside the function's timeout. */
export const GENERATE_LEASE_MS = 9 * 60 * 1000;

async function submit(
  app: AppContext,
  uid: string,
  input: GenerateInput,
  project: Project,
  attempt: number,
) {
  const client = heygenClientFor(app);
  const bucketName = app.config.storageBucket;
  const where = { bucket: bucketName, uid, isEmulator: app.config.isEmulator };
  const voiceUrl = input.voiceUrl ?? project.voiceUrl;
  if (!voiceUrl) {
    throw new ApiError(
      "INVALID_REQUEST",
      "Record a voice first: send voiceUrl or set it on the project.",
    );
  }
  const voiceRef = resolveStorageReference(voiceUrl, { ...where, field: "voiceUrl" });
  const photoUrl = input.heygenAvatarId ? undefined : (input.userAvatarUrl ?? project.avatarUrl);
  const photoRef = photoUrl
    ? resolveStorageReference(photoUrl, { ...where, field: "userAvatarUrl" })
    : null;

  const tmp = await TempDir.create();
  try {
    const bucket = getBucket(bucketName);
    // Local checks first: a bad file fails before any HeyGen quota is spent.
    const voice = await prepareVoice(bucket, voiceRef, tmp);
    const photo = photoRef ? await preparePhoto(bucket, photoRef, tmp) : null;

    const folderId = await ensureFolder(app, client, uid);
    let character: VideoCharacter;
    let fallbackAvatarUsed = false;
    if (input.heygenAvatarId) {
      character = {
        type: "avatar",
        avatarId: input.heygenAvatarId,
        avatarStyle: input.avatarStyle,
      };
    } else if (photo && photoRef) {
      const lookId = await ensureLook(app, client, uid, photo, photoRef.path, {
        timeoutMs: 150000,
      }).catch((err) => {
        throw heygenToApiError(err, "preparing your photo avatar");
      });
      character = { type: "look", lookId };
    } else if (app.config.heygen.fallbackAvatarId) {
      character = {
        type: "avatar",
        avatarId: app.config.heygen.fallbackAvatarId,
        avatarStyle: input.avatarStyle,
      };
      fallbackAvatarUsed = true;
    } else {
      throw new ApiError(
        "HEYGEN_AVATAR_REQUIRED",
        "No avatar to animate: upload a photo and send userAvatarUrl (or set avatarUrl on the project), or pass heygenAvatarId (GET /api/heygen/avatars lists them).",
      );
    }

    let audioAssetId: string;
    try {
      audioAssetId = (
        await client.uploadAudio(voice, `audio-${project.userId}-${voice.sha256}-${attempt}`)
      ).assetId;
      // Remembered so that withdrawal and erasure can delete it at HeyGen.
      await rememberHeygenAsset(
        app.db,
        uid,
        { assetId: audioAssetId, kind: "audio", apiVersion: client.version },
        app.clock.now(),
      );
    } catch (err) {
      const mapped = heygenToApiError(err, "uploading the voice recording");
      if (mapped.code === "RATE_LIMITED") throw mapped;
      throw new ApiError(
        "INTERNAL",
        `Uploading the voice recording to HeyGen failed: ${mapped.message}`,
        { cause: err },
      );
    }

    const projectId = input.projectId;
    const { videoId } = await client
      .createVideo({
        character,
        audioAssetId,
        title: project.name || projectId,
        callbackId: projectId,
        folderId,
        dimension: { width: input.width ?? 1280, height: input.height ?? 720 },
        idempotencyKey: `video-${projectId}-${attempt}`,
      })
      .catch((err) => {
        throw heygenToApiError(err, "creating the video");
      });
    return { videoId, fallbackAvatarUsed };
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
  const claim = await claimGeneration(
    app.db,
    input.projectId,
    uid,
    app.clock.now().getTime(),
    GENERATE_LEASE_MS,
  );
  if (claim.kind === "existing")
    return { videoId: claim.videoId, fallbackAvatarUsed: claim.fallbackAvatarUsed };
  if (claim.kind === "in-progress") {
    const other = await waitForVideoId(app.db, input.projectId, uid, 120000);
    if (other) return other;
    throw new ApiError(
      "CONFLICT",
      "A video for this project is still being created; check its status in a minute.",
    );
  }
  try {
    const result = await submit(app, uid, input, claim.project, claim.attempt);
    onCreated();
    await recordSubmitted(app.db, input.projectId, {
      ...result,
      attempt: claim.attempt,
      apiVersion: app.config.heygen.apiVersion,
      now: app.clock.now(),
    });
    log.info("HeyGen video created", {
      uid,
      projectId: input.projectId,
      videoId: result.videoId,
      attempt: claim.attempt,
    });
    return result;
  } catch (err) {
    const apiErr = heygenToApiError(err, "generating the video");
    await recordGenerateFailure(app.db, input.projectId, {
      attempt: claim.attempt,
      error: apiErr,
      now: app.clock.now(),
    });
    throw apiErr;
  }
}
