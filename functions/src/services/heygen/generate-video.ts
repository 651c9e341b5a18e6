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
import type { HeygenClient, VideoCharacter, VideoVoiceSource } from "../../clients/heygen";
import { ApiError } from "../../errors";
import { log } from "../../logs";
import { getBucket } from "../../clients/storage/bucket";
import type { Project } from "../../store/projects";
import {
  claimSubmit,
  failSubmit,
  markSubmitted,
  waitForVideoId,
} from "../../store/project-generation";
import { preparePhoto, prepareVoice, TempDir, type LocalMedia } from "../media/prepare";
import { resolveStorageReference } from "../media/storage-reference";
import { heygenClientFor } from "./client";
import { ensureFolder } from "./ensure-folder";
import { ensureLook } from "./ensure-look";
import { cachedAvatarDefaultVoice } from "./listings";
import { heygenToApiError } from "./upstream-errors";
import {
  checkTtsVoice,
  chooseVoiceSource,
  type CheckedTts,
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
  heygenAvatarId?: string;
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

/** The local inputs, checked before any HeyGen quota is spent. */
interface Prepared {
  voice: LocalMedia | null;
  tts: CheckedTts | null;
  photo: { media: LocalMedia; path: string } | null;
}

/** Step 0: the recording converted, the TTS voice checked, the photo read (local checks). */
async function prepareInputs(
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
  const bucket = getBucket(app.config.storageBucket);
  const voice = voiceRef ? await prepareVoice(bucket, voiceRef, tmp) : null;
  const tts = voiceChoice.source === "tts" ? await checkTtsVoice(app, uid, voiceChoice) : null;
  const photo = photoRef
    ? { media: await preparePhoto(bucket, photoRef, tmp), path: photoRef.path }
    : null;
  return { voice, tts, photo };
}

interface Character {
  character: VideoCharacter;
  fallbackAvatarUsed: boolean;
  lookDefaultVoiceId: string | null;
}

/** Step 2: who speaks: the stock avatar asked for, the user's look, or the fallback avatar. */
async function lookStep(
  app: AppContext,
  client: HeygenClient,
  uid: string,
  input: GenerateInput,
  photo: Prepared["photo"],
): Promise<Character> {
  const stock = (avatarId: string): VideoCharacter => ({
    type: "avatar",
    avatarId,
    avatarStyle: input.avatarStyle,
  });
  if (input.heygenAvatarId) {
    return {
      character: stock(input.heygenAvatarId),
      fallbackAvatarUsed: false,
      lookDefaultVoiceId: null,
    };
  }
  if (photo) {
    const look = await ensureLook(app, client, uid, photo.media, photo.path, { timeoutMs: 150000 });
    return {
      character: { type: "look", lookId: look.lookId },
      fallbackAvatarUsed: false,
      lookDefaultVoiceId: look.defaultVoiceId,
    };
  }
  if (app.config.heygen.fallbackAvatarId) {
    return {
      character: stock(app.config.heygen.fallbackAvatarId),
      fallbackAvatarUsed: true,
      lookDefaultVoiceId: null,
    };
  }
  throw new ApiError(
    "HEYGEN_AVATAR_REQUIRED",
    "No avatar to animate: upload a photo and send userAvatarUrl (or set avatarUrl on the project), or pass heygenAvatarId (GET /api/heygen/avatars lists them).",
  );
}

interface Speech {
  voiceSource: VideoVoiceSource;
  used: VoiceUsed;
  scriptSha256: string | null;
}

/** Step 3 (script): HeyGen speaks it; nothing is converted or uploaded. */
async function scriptStep(app: AppContext, tts: CheckedTts, speaker: Character): Promise<Speech> {
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

/** Step 3 (recording): the converted MP3 uploaded, and remembered for withdrawal and erasure. */
async function audioStep(
  app: AppContext,
  client: HeygenClient,
  uid: string,
  project: Project,
  voice: LocalMedia,
  attempt: number,
): Promise<Speech> {
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

/** Step 4: the video, with our own idempotency key for this attempt. */
function createStep(
  client: HeygenClient,
  input: GenerateInput,
  project: Project,
  attempt: number,
  folderId: string | undefined,
  speaker: Character,
  speech: Speech,
): Promise<{ videoId: string }> {
  const projectId = input.projectId;
  return client.createVideo({
    ...speech.voiceSource,
    character: speaker.character,
    title: project.name || projectId,
    callbackId: projectId,
    folderId,
    dimension: { width: input.width ?? 1280, height: input.height ?? 720 },
    idempotencyKey: `video-${projectId}-${attempt}`,
  });
}

type Step = "prepare" | "folder" | "look" | "audio" | "script" | "create";

/** The one place a failure becomes the design's error body, by the step it happened in. */
function stepError(step: Step, err: unknown): ApiError {
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

async function step<T>(name: Step, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw stepError(name, err);
  }
}

/** The seed's flow: folder → look → audio → create (the caller records the result). */
async function submit(
  app: AppContext,
  uid: string,
  input: GenerateInput,
  project: Project,
  attempt: number,
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
      createStep(client, input, project, attempt, folderId, speaker, speech),
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
  try {
    submitted = await submit(app, uid, input, project, lease.attempt);
  } catch (err) {
    const apiErr = stepError("prepare", err); // already mapped by its step: passed through
    await failSubmit(app.db, input.projectId, lease, { error: apiErr, now: app.clock.now() });
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
    uid,
    projectId: input.projectId,
    videoId: result.videoId,
    attempt: lease.attempt,
    voiceSource: result.voice.source,
    voiceId: result.voice.voiceId,
  });
  return result;
}
