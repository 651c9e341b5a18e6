/**
 * The steps of `generate` (generate-video.ts runs them in the seed's order: folder →
 * look → audio → create, then records the result), each a small function, and the one
 * place a failure becomes the design's error body: `step` maps it by the step it
 * happened in. The folder step is ensure-folder.ts; the look's own flow ensure-look.ts.
 */
import type { AppContext } from "../../context";
import type {
  AvatarStyle,
  HeygenClient,
  VideoCharacter,
  VideoVoiceSource,
} from "../../clients/heygen";
import { ApiError } from "../../errors";
import { getBucket } from "../../clients/storage/bucket";
import type { Project } from "../../store/projects";
import { rememberHeygenAsset } from "../../store/heygen-assets";
import { preparePhoto, prepareVoice, type LocalMedia, type TempDir } from "../media/prepare";
import { resolveStorageReference } from "../media/storage-reference";
import { HeygenError } from "../../clients/heygen/errors";
import { ensureLook, LookNotReady } from "./ensure-look";
import { isOwnLook } from "../../store/looks";
import { checkAvatarStyle } from "./avatar-style";
import { findLostVideo, LostVideoLookupError, videoTitle } from "./find-lost-video";
import { fallbackAfterLookFailure, fallbackUnavailable, noAvatarGiven } from "./look-fallback";
import { cachedAvatarDefaultVoice } from "./listings";
import { heygenToApiError } from "./upstream-errors";
import {
  checkTtsVoice,
  chooseVoiceSource,
  RECORDED_VOICE,
  recordedAudioUrl,
  settleTtsVoice,
  type CheckedTts,
  type VoiceRequest,
  type VoiceUsed,
} from "./voice-source";

export interface GenerateInput extends VoiceRequest {
  projectId: string;
  /** What a recording says, typed by the user: its captions. */
  transcript?: string;
  userAvatarUrl?: string;
  /** null (as the seed sends it) is the same as absent: the photo, else the fallback. */
  heygenAvatarId?: string | null;
  width?: number;
  height?: number;
  avatarStyle?: AvatarStyle;
}

/** The local inputs, checked before any HeyGen quota is spent. */
export interface Prepared {
  voice: LocalMedia | null;
  tts: CheckedTts | null;
  photo: { media: LocalMedia; path: string } | null;
}

/** Step 0: the recording converted, the TTS voice checked, the photo read (local checks). */
export async function prepareInputs(
  app: AppContext,
  uid: string,
  input: GenerateInput,
  project: Project,
  tmp: TempDir,
): Promise<Prepared> {
  const where = { bucket: app.config.storageBucket, uid, isEmulator: app.config.isEmulator };
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
  // The framing asked for, for the character this request makes, before any work.
  const kind =
    input.heygenAvatarId === undefined || input.heygenAvatarId === null
      ? photoRef
        ? "look"
        : "avatar"
      : (await isOwnV2Look(app, uid, input.heygenAvatarId))
        ? "look"
        : "avatar";
  checkAvatarStyle(app.config.heygen.apiVersion, kind, input.avatarStyle);
  const bucket = getBucket(app.config.storageBucket);
  const voice = voiceRef ? await prepareVoice(bucket, voiceRef, tmp) : null;
  const tts = voiceChoice.source === "tts" ? await checkTtsVoice(app, uid, voiceChoice) : null;
  const photo = photoRef
    ? { media: await preparePhoto(bucket, photoRef, tmp), path: photoRef.path }
    : null;
  return { voice, tts, photo };
}

/**
 * Whether `avatarId` is one of the user's own v2 talking photos (v3 takes a look id and
 * a public avatar id alike, so only v2 needs to know, and only v2 pays the read).
 */
async function isOwnV2Look(app: AppContext, uid: string, avatarId: string): Promise<boolean> {
  return app.config.heygen.apiVersion === "v2" && isOwnLook(app.db, uid, avatarId, "v2");
}

export interface Character {
  character: VideoCharacter;
  fallbackAvatarUsed: boolean;
  lookDefaultVoiceId: string | null;
}

/** Step 2: who speaks: the stock avatar asked for, the user's look, or the fallback avatar. */
export async function lookStep(
  app: AppContext,
  client: HeygenClient,
  uid: string,
  input: GenerateInput,
  photo: Prepared["photo"],
  lookWaitMs: number,
): Promise<Character> {
  const stock = (avatarId: string): VideoCharacter => ({
    type: "avatar",
    avatarId,
    avatarStyle: input.avatarStyle,
  });
  if (input.heygenAvatarId) {
    // The user's own photo look on v2 is a talking_photo there, never an `avatar`.
    const character: VideoCharacter = (await isOwnV2Look(app, uid, input.heygenAvatarId))
      ? { type: "look", lookId: input.heygenAvatarId, avatarStyle: input.avatarStyle }
      : stock(input.heygenAvatarId);
    return { character, fallbackAvatarUsed: false, lookDefaultVoiceId: null };
  }
  if (photo) {
    try {
      const look = await ensureLook(app, client, uid, photo.media, photo.path, {
        timeoutMs: lookWaitMs,
      });
      return {
        character: { type: "look", lookId: look.lookId, avatarStyle: input.avatarStyle },
        fallbackAvatarUsed: false,
        lookDefaultVoiceId: look.defaultVoiceId,
      };
    } catch (err) {
      if (err instanceof LookNotReady) throw err; // not a verdict: generate defers
      // The seed's fallback rule after a failed look (look-fallback.ts); throws otherwise.
      const fallbackId = fallbackAfterLookFailure(app, uid, err);
      return { character: stock(fallbackId), fallbackAvatarUsed: true, lookDefaultVoiceId: null };
    }
  }
  if (app.config.heygen.fallbackAvatarId) {
    return {
      character: stock(app.config.heygen.fallbackAvatarId),
      fallbackAvatarUsed: true,
      lookDefaultVoiceId: null,
    };
  }
  throw noAvatarGiven();
}

export interface Speech {
  voiceSource: VideoVoiceSource;
  used: VoiceUsed;
  scriptSha256: string | null;
}

/** Step 3 (script): HeyGen speaks it; nothing is converted or uploaded. */
export async function scriptStep(
  app: AppContext,
  tts: CheckedTts,
  speaker: Character,
): Promise<Speech> {
  let defaultVoiceId = speaker.lookDefaultVoiceId;
  if (!tts.voice && speaker.character.type === "avatar")
    defaultVoiceId = await cachedAvatarDefaultVoice(app, speaker.character.avatarId);
  const settled = await settleTtsVoice(app, tts, defaultVoiceId);
  return {
    voiceSource: { textVoice: settled.textVoice },
    used: settled.used,
    scriptSha256: settled.scriptSha256,
  };
}

/**
 * Step 3 (recording): the converted MP3 given by URL (`HEYGEN_AUDIO_SOURCE=url`: a signed
 * URL HeyGen downloads, no HeyGen call), or uploaded and remembered for withdrawal and erasure.
 */
export async function audioStep(
  app: AppContext,
  client: HeygenClient,
  uid: string,
  project: Project,
  voice: LocalMedia,
  attempt: number,
): Promise<Speech> {
  if (app.config.heygen.audioSource === "url") {
    const voiceSource = await recordedAudioUrl(app, uid, voice);
    return { voiceSource, used: RECORDED_VOICE, scriptSha256: null };
  }
  const { assetId } = await client.uploadAudio(
    voice,
    `audio-${project.userId}-${voice.sha256}-${attempt}`,
  );
  await rememberHeygenAsset(
    app.db,
    uid,
    { assetId, kind: "audio", apiVersion: client.version },
    app.clock.now(),
  );
  return { voiceSource: { audioAssetId: assetId }, used: RECORDED_VOICE, scriptSha256: null };
}

/**
 * Whether a failed create may still have been accepted by HeyGen: a 5xx, a timeout or a
 * dropped connection (no answer read). A 4xx or a typed refusal was certainly not. A
 * failed look-up of an earlier create keeps that earlier create's doubt.
 */
export function createMayHaveHappened(err: unknown): boolean {
  if (err instanceof LostVideoLookupError) return true;
  return (
    err instanceof HeygenError &&
    err.kind === "upstream" &&
    (err.status === undefined || err.status >= 500)
  );
}

/**
 * Step 4: the video, with our own idempotency key for this attempt and the attempt's
 * title marker; on v2, after an ambiguous create, the video found by that marker
 * instead of a second one (find-lost-video.ts).
 */
export async function createStep(
  client: HeygenClient,
  input: GenerateInput,
  project: Project,
  attempt: number,
  folderId: string | undefined,
  speaker: Character,
  speech: Speech,
): Promise<{ videoId: string }> {
  const projectId = input.projectId;
  const lost = await findLostVideo(client, project, { projectId, attempt, folderId });
  if (lost) return { videoId: lost.videoId };
  return client
    .createVideo({
      ...speech.voiceSource,
      character: speaker.character,
      title: videoTitle(project, projectId, attempt),
      callbackId: projectId,
      folderId,
      dimension: { width: input.width ?? 1280, height: input.height ?? 720 },
      idempotencyKey: `video-${projectId}-${attempt}`,
    })
    .catch((err: unknown) => {
      // The fallback was the last resort: HeyGen not having it leaves no avatar at all.
      throw speaker.fallbackAvatarUsed ? fallbackUnavailable(err) : err;
    });
}

export type Step = "prepare" | "folder" | "look" | "audio" | "script" | "create";

/** The one place a failure becomes the design's error body, by the step it happened in. */
export function stepError(step: Step, err: unknown): ApiError {
  switch (step) {
    case "look":
      return heygenToApiError(err, "preparing your photo avatar");
    case "create":
      return heygenToApiError(err, "creating the video");
    case "audio": {
      const mapped = heygenToApiError(err, "uploading the voice recording");
      if (mapped.code === "RATE_LIMITED") return mapped;
      return new ApiError(
        "INTERNAL",
        `Uploading the voice recording to HeyGen failed: ${mapped.message}`,
        { cause: err },
      );
    }
    default:
      return heygenToApiError(err, "generating the video");
  }
}

/** Runs a step; its failure becomes the design's error body (a look not ready yet is no failure). */
export async function step<T>(name: Step, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LookNotReady) throw err;
    throw stepError(name, err);
  }
}
