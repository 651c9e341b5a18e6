/**
 * `generate`: the Masky flow of the design (folder → avatar → voice → create video).
 * The voice is a recording (converted to MP3 and uploaded) or a script spoken by a
 * HeyGen voice (nothing converted or uploaded); see voice-source.ts.
 * A claim on the project (transaction + lease) makes a second call while a video is
 * in flight return the same video; the create carries our own idempotency key
 * (`video-{projectId}-{attempt}`), sent upstream where the API accepts one (v3).
 */
import type { AppContext } from "../../context";
import type { VideoCharacter, VideoVoiceSource } from "../../clients/heygen";
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
import { fallbackAfterLookFailure } from "./look-fallback";
import { cachedAvatarDefaultVoice } from "./listings";
import { heygenToApiError } from "./upstream-errors";
import {
  checkTtsVoice,
  chooseVoiceSource,
  RECORDED_VOICE,
  settleTtsVoice,
  type VoiceRequest,
  type VoiceUsed,
} from "./voice-source";
import { requireGenerateConsent } from "./generate-consent";
import { rememberHeygenAsset } from "../../store/heygen-assets";
import { reserveVideo } from "../quotas/video-quota";

export interface GenerateInput extends VoiceRequest {
  projectId: string;
  userAvatarUrl?: string;
  /** null (as the seed sends it) is the same as absent: the photo, else the fallback. */
  heygenAvatarId?: string | null;
  width?: number;
  height?: number;
  avatarStyle?: "normal" | "closeUp" | "circle";
}

export interface GenerateResult {
  videoId: string;
  fallbackAvatarUsed: boolean;
  /** The voice the video is spoken with (recorded, or a script's HeyGen voice and settings). */
  voice: VoiceUsed;
}

/** Longer than the whole flow can take inside the function's timeout. */
export const GENERATE_LEASE_MS = 9 * 60 * 1000;

async function submit(
  app: AppContext,
  uid: string,
  input: GenerateInput,
  project: Project,
  attempt: number,
): Promise<GenerateResult & { scriptSha256: string | null }> {
  const client = heygenClientFor(app);
  const bucketName = app.config.storageBucket;
  const where = { bucket: bucketName, uid, isEmulator: app.config.isEmulator };
  // Consent for this voice source and photo was checked at the entry (generate-consent.ts).
  const voiceChoice = chooseVoiceSource(input, project);
  const voiceRef =
    voiceChoice.source === "recorded"
      ? resolveStorageReference(voiceChoice.voiceUrl, { ...where, field: "voiceUrl" })
      : null;
  const photoUrl = input.heygenAvatarId ? undefined : (input.userAvatarUrl ?? project.avatarUrl);
  const photoRef = photoUrl
    ? resolveStorageReference(photoUrl, { ...where, field: "userAvatarUrl" })
    : null;

  const tmp = await TempDir.create();
  try {
    const bucket = getBucket(bucketName);
    // Local checks first: a bad file or voice fails before any HeyGen quota is spent.
    const voice = voiceRef ? await prepareVoice(bucket, voiceRef, tmp) : null;
    const tts = voiceChoice.source === "tts" ? await checkTtsVoice(app, uid, voiceChoice) : null;
    const photo = photoRef ? await preparePhoto(bucket, photoRef, tmp) : null;

    const folderId = await ensureFolder(app, client, uid);
    let character: VideoCharacter;
    let fallbackAvatarUsed = false;
    let lookDefaultVoiceId: string | null = null;
    if (input.heygenAvatarId) {
      character = {
        type: "avatar",
        avatarId: input.heygenAvatarId,
        avatarStyle: input.avatarStyle,
      };
    } else if (photo && photoRef) {
      const look = await ensureLook(app, client, uid, photo, photoRef.path, {
        timeoutMs: 150000,
      }).catch((err: unknown) => ({ fallbackId: fallbackAfterLookFailure(app, uid, err) }));
      if ("fallbackId" in look) {
        character = { type: "avatar", avatarId: look.fallbackId, avatarStyle: input.avatarStyle };
        fallbackAvatarUsed = true;
      } else {
        character = { type: "look", lookId: look.lookId };
        lookDefaultVoiceId = look.defaultVoiceId;
      }
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

    let voiceSource: VideoVoiceSource;
    let used = RECORDED_VOICE;
    let scriptSha256: string | null = null;
    if (tts) {
      // No audio conversion or upload: HeyGen speaks the script.
      if (!tts.voice && character.type === "avatar")
        lookDefaultVoiceId = await cachedAvatarDefaultVoice(app, character.avatarId);
      const settled = await settleTtsVoice(app, tts, lookDefaultVoiceId);
      voiceSource = { textVoice: settled.textVoice };
      used = settled.used;
      scriptSha256 = settled.scriptSha256;
    } else if (voice) {
      try {
        const { assetId } = await client.uploadAudio(
          voice,
          `audio-${project.userId}-${voice.sha256}-${attempt}`,
        );
        // Remembered so that withdrawal and erasure can delete it at HeyGen.
        await rememberHeygenAsset(
          app.db,
          uid,
          { assetId, kind: "audio", apiVersion: client.version },
          app.clock.now(),
        );
        voiceSource = { audioAssetId: assetId };
      } catch (err) {
        const mapped = heygenToApiError(err, "uploading the voice recording");
        if (mapped.code === "RATE_LIMITED") throw mapped;
        throw new ApiError(
          "INTERNAL",
          `Uploading the voice recording to HeyGen failed: ${mapped.message}`,
          { cause: err },
        );
      }
    } else {
      throw new Error("no voice source was chosen");
    }

    const projectId = input.projectId;
    const { videoId } = await client
      .createVideo({
        ...voiceSource,
        character,
        title: project.name || projectId,
        callbackId: projectId,
        folderId,
        dimension: { width: input.width ?? 1280, height: input.height ?? 720 },
        idempotencyKey: `video-${projectId}-${attempt}`,
      })
      .catch((err) => {
        throw heygenToApiError(err, "creating the video");
      });
    return { videoId, fallbackAvatarUsed, voice: used, scriptSha256 };
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
  if (claim.kind === "existing") return claim.result;
  if (claim.kind === "in-progress") {
    const other = await waitForVideoId(app.db, input.projectId, uid, 120000);
    if (other) return other;
    throw new ApiError(
      "CONFLICT",
      "A video for this project is still being created; check its status in a minute.",
    );
  }
  try {
    const { scriptSha256, ...result } = await submit(app, uid, input, claim.project, claim.attempt);
    onCreated();
    await recordSubmitted(app.db, input.projectId, {
      ...result,
      scriptSha256,
      attempt: claim.attempt,
      apiVersion: app.config.heygen.apiVersion,
      now: app.clock.now(),
    });
    log.info("HeyGen video created", {
      uid,
      projectId: input.projectId,
      videoId: result.videoId,
      attempt: claim.attempt,
      voiceSource: result.voice.source,
      voiceId: result.voice.voiceId,
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
