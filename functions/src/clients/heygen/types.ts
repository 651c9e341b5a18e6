/**
 * One interface over HeyGen's two API generations. `v2.ts` reproduces the seed's
 * legacy flow; `v3.ts` the current API. HEYGEN_API_VERSION picks one.
 */
export interface MediaFile {
  /** Local file (streamed to HeyGen, never read into memory whole). */
  path: string;
  contentType: string;
  size: number;
}

export interface UploadedAsset {
  assetId: string;
  /** v2 photo-avatar groups take the image_key of an uploaded image. */
  imageKey?: string;
}

export interface Look {
  lookId: string;
  groupId: string;
  /** pending | processing | completed | failed, or an unknown value (treated as not ready). */
  status: string;
  error?: string;
  /** The voice HeyGen speaks a script with when no voice_id is sent (v3), when known. */
  defaultVoiceId?: string | null;
}

export interface VideoDetails {
  videoId: string;
  /** waiting | pending | processing | completed | failed, or unknown (non-terminal). */
  status: string;
  videoUrl: string | null;
  thumbnailUrl: string | null;
  durationSeconds: number | null;
  error: { code: string | null; message: string } | null;
  callbackId: string | null;
}

export interface AvatarSummary {
  id: string;
  name: string;
  /** "avatar" (public/studio avatar) or "talking_photo" (photo look). */
  type: "avatar" | "talking_photo";
  previewImageUrl: string | null;
  gender: string | null;
  /** v3 looks name their default voice; legacy listings do not. */
  defaultVoiceId?: string | null;
}

export interface VoiceSummary {
  id: string;
  name: string;
  language: string | null;
  gender: string | null;
  previewAudioUrl: string | null;
  /** Whether the voice takes a `locale` (v3 `support_locale`; legacy does not say: false). */
  supportLocale?: boolean;
}

/** The framing a generate asks for (services/heygen/avatar-style.ts says where each holds). */
export type AvatarStyle = "normal" | "closeUp" | "circle";

export type VideoCharacter =
  | { type: "look"; lookId: string; avatarStyle?: AvatarStyle }
  | { type: "avatar"; avatarId: string; avatarStyle?: AvatarStyle };

/** A script spoken by a HeyGen voice (no audio upload). */
export interface TextVoice {
  script: string;
  /** null: the look's default voice (v3 only; the v2 body requires a voice_id). */
  voiceId: string | null;
  speed: number;
  pitch: number;
  locale?: string;
}

/**
 * Exactly one voice source: an uploaded recording, a recording HeyGen downloads from a
 * URL (`audio_url`, both API versions), or a script and a HeyGen voice.
 */
export type VideoVoiceSource =
  | { audioAssetId: string; audioUrl?: undefined; textVoice?: undefined }
  | { audioUrl: string; audioAssetId?: undefined; textVoice?: undefined }
  | { textVoice: TextVoice; audioAssetId?: undefined; audioUrl?: undefined };

export type CreateVideoInput = VideoVoiceSource & {
  character: VideoCharacter;
  title: string;
  callbackId: string;
  folderId?: string;
  dimension: { width: number; height: number };
  /** Our own key for this logical create (v3 sends it as Idempotency-Key). */
  idempotencyKey: string;
};

/** One entry of a video listing (legacy `GET /v1/video.list`, HeyGen's List Videos reference). */
export interface ListedVideo {
  videoId: string;
  status: string;
  /** Unix seconds, when HeyGen sends it. */
  createdAt: number | null;
  /** HeyGen documents `video_title` as optional: null when it is left out. */
  title: string | null;
}

/** How far a title lookup pages through a folder's videos, newest first. */
export interface VideoLookupLimits {
  pageSize: number;
  maxPages: number;
}

export interface HeygenClient {
  readonly version: "v2" | "v3";
  /** v3 has no folder endpoints: the folder step is skipped there. */
  readonly supportsFolders: boolean;
  findFolder(name: string): Promise<string | null>;
  createFolder(name: string): Promise<string>;
  uploadImage(file: MediaFile, idempotencyKey: string): Promise<UploadedAsset>;
  uploadAudio(file: MediaFile, idempotencyKey: string): Promise<UploadedAsset>;
  /** Creates the group with its first look, or adds a look when groupId is given. */
  createLook(input: {
    name: string;
    image: UploadedAsset;
    groupId?: string;
    idempotencyKey: string;
  }): Promise<Look>;
  getLook(lookId: string): Promise<Look>;
  createVideo(input: CreateVideoInput): Promise<{ videoId: string }>;
  getVideo(videoId: string): Promise<VideoDetails>;
  /**
   * The newest video in `folderId` whose title ends with `marker`, within `limits`
   * (default 5 pages of 100), or null. Present only where a create cannot be replayed:
   * v2 has no idempotency key, so a retry after an ambiguous create looks for the video
   * first. v3 replays the create with the same Idempotency-Key and has no such method.
   */
  findVideoByTitle?(
    marker: string,
    folderId: string | undefined,
    limits?: VideoLookupLimits,
  ): Promise<ListedVideo | null>;
  /**
   * The videos whose title contains `part`, newest first, within the client's page
   * bound. Present where the API filters a listing by title (v3 `GET /v3/videos`).
   */
  listVideosByTitle?(part: string): Promise<ListedVideo[]>;
  listAvatars(): Promise<AvatarSummary[]>;
  listVoices(): Promise<VoiceSummary[]>;
  /**
   * Deletes where the API documents it (v3: videos, assets, looks, groups): "deleted",
   * also when the object was already gone (404). v2 documents no delete for any of
   * them: "not_deletable", without a call.
   */
  deleteVideo(videoId: string): Promise<UpstreamDeleteOutcome>;
  deleteAsset(assetId: string): Promise<UpstreamDeleteOutcome>;
  deleteLook(lookId: string): Promise<UpstreamDeleteOutcome>;
  deleteGroup(groupId: string): Promise<UpstreamDeleteOutcome>;
}

export type UpstreamDeleteOutcome = "deleted" | "not_deletable";
