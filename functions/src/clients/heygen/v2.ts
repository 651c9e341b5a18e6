/**
 * Legacy HeyGen API (v1/v2), as the seed uses it, following HeyGen's API reference for
 * v1/v2 (docs.heygen.com) and what users report on HeyGen's docs forum:
 * - uploads go to upload.heygen.com/v1/asset as raw bytes with the exact Content-Type
 *   (multipart fails there with 40001);
 * - photo looks are `talking_photo` characters, never `type: "avatar"`;
 * - video status is /v1/video_status.get (not /v2/videos/{id});
 * - /v2/video/generate has no idempotency key: it is never retried on 5xx.
 */
import { createReadStream } from "node:fs";
import { z } from "zod";
import { HeygenTransport, encodePath } from "./transport";
import type {
  AvatarStyle,
  AvatarSummary,
  CreateVideoInput,
  HeygenClient,
  ListedVideo,
  Look,
  MediaFile,
  UploadedAsset,
  UpstreamDeleteOutcome,
  VideoDetails,
  VideoLookupLimits,
  VoiceSummary,
} from "./types";
import { nullableString } from "./schemas";

const folderSchema = z.object({ id: z.string(), name: z.string().optional() });
const uploadSchema = z.object({ id: z.string(), image_key: z.string().nullish() });
const lookSchema = z.object({
  id: z.string(),
  group_id: z.string().nullish(),
  status: z.string().default("pending"),
});
const videoSchema = z.object({
  id: z.string().nullish(),
  video_id: z.string().nullish(),
  status: z.string(),
  video_url: nullableString,
  thumbnail_url: nullableString,
  duration: z.number().nullish(),
  callback_id: nullableString,
  error: z
    .object({
      code: z.union([z.number(), z.string()]).nullish(),
      message: z.string().nullish(),
      detail: z.string().nullish(),
    })
    .nullish(),
});

/** `GET /v1/video.list` (HeyGen's API reference, List Videos): `data.token` pages until null. */
const videoListSchema = z.object({
  token: z.string().nullish(),
  videos: z
    .array(
      z.object({
        video_id: z.string(),
        status: z.string(),
        created_at: z.number().nullish(),
        type: z.string().nullish(),
        video_title: nullableString,
      }),
    )
    .default([]),
});

/** A title lookup reads at most 5 pages of 100 videos (the documented maximum `limit`). */
export const DEFAULT_LOOKUP_LIMITS: VideoLookupLimits = { pageSize: 100, maxPages: 5 };

/**
 * `video_inputs[].voice` (HeyGen's API reference, Create Avatar Video (V2)):
 * `{type:"audio", audio_asset_id}`, `{type:"audio", audio_url}` or
 * `{type:"text", input_text, voice_id, speed, pitch, locale?}`.
 */
function v2Voice(input: CreateVideoInput): Record<string, unknown> {
  if (input.audioUrl !== undefined) return { type: "audio", audio_url: input.audioUrl };
  if (!input.textVoice) return { type: "audio", audio_asset_id: input.audioAssetId };
  const t = input.textVoice;
  if (!t.voiceId) throw new Error("the legacy text voice needs a voice_id");
  return {
    type: "text",
    input_text: t.script,
    voice_id: t.voiceId,
    speed: t.speed,
    pitch: t.pitch,
    ...(t.locale ? { locale: t.locale } : {}),
  };
}

/**
 * A photo look's framing (`talking_photo_style` in HeyGen's API reference, Create Avatar
 * Video (V2)): `square` for our `normal`, `circle`; sent only when asked for. A photo
 * has no close-up framing (the service refuses it before the create).
 */
function talkingPhotoStyle(style: AvatarStyle | undefined): { talking_photo_style?: string } {
  if (style === undefined) return {};
  if (style === "closeUp") throw new Error("a talking photo has no close-up framing");
  return { talking_photo_style: style === "normal" ? "square" : "circle" };
}

export class HeygenV2Client implements HeygenClient {
  readonly version = "v2" as const;
  readonly supportsFolders = true;

  // HeyGen's legacy (v1/v2) API reference documents no delete for videos, assets,
  // talking photos or groups: erasure reports them as not deletable upstream.
  async deleteVideo(): Promise<UpstreamDeleteOutcome> {
    return "not_deletable";
  }
  async deleteAsset(): Promise<UpstreamDeleteOutcome> {
    return "not_deletable";
  }
  async deleteLook(): Promise<UpstreamDeleteOutcome> {
    return "not_deletable";
  }
  async deleteGroup(): Promise<UpstreamDeleteOutcome> {
    return "not_deletable";
  }

  constructor(
    private readonly transport: HeygenTransport,
    private readonly apiBaseUrl: string,
    private readonly uploadBaseUrl: string,
  ) {}

  private get<S extends z.ZodType>(
    path: string,
    schema: S,
    query?: Record<string, string | number | boolean>,
  ) {
    return this.transport.request({ method: "GET", baseUrl: this.apiBaseUrl, path, query, schema });
  }

  private post<S extends z.ZodType>(path: string, body: unknown, schema: S) {
    return this.transport.request({ method: "POST", baseUrl: this.apiBaseUrl, path, body, schema });
  }

  async findFolder(name: string): Promise<string | null> {
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const data = await this.get(
        "/v1/folders",
        z.object({ folders: z.array(folderSchema).default([]), token: z.string().nullish() }),
        { name_filter: name, limit: 100, ...(token ? { token } : {}) },
      );
      const hit = data.folders.find((f) => f.name === name);
      if (hit) return hit.id;
      if (!data.token) return null;
      token = data.token;
    }
    return null;
  }

  async createFolder(name: string): Promise<string> {
    const data = await this.post(
      "/v1/folders/create",
      { name, project_type: "video" },
      folderSchema,
    );
    return data.id;
  }

  private async upload(file: MediaFile): Promise<UploadedAsset> {
    const data = await this.transport.request({
      method: "POST",
      baseUrl: this.uploadBaseUrl,
      path: "/v1/asset",
      // Raw bytes, streamed from disk; a factory so a 429 retry re-opens the file.
      body: () => createReadStream(file.path),
      headers: { "Content-Type": file.contentType, "Content-Length": String(file.size) },
      schema: uploadSchema,
      timeoutMs: 120000,
    });
    return { assetId: data.id, imageKey: data.image_key ?? undefined };
  }

  uploadImage(file: MediaFile): Promise<UploadedAsset> {
    return this.upload(file);
  }

  uploadAudio(file: MediaFile): Promise<UploadedAsset> {
    return this.upload(file);
  }

  async createLook(input: { name: string; image: UploadedAsset; groupId?: string }): Promise<Look> {
    if (!input.image.imageKey)
      throw new Error("v2 photo looks need the image_key of an uploaded image");
    if (input.groupId) {
      const data = await this.post(
        "/v2/photo_avatar/avatar_group/add",
        { group_id: input.groupId, image_keys: [input.image.imageKey], name: input.name },
        z.object({ photo_avatar_list: z.array(lookSchema).min(1) }),
      );
      const look = data.photo_avatar_list[0];
      return { lookId: look.id, groupId: look.group_id ?? input.groupId, status: look.status };
    }
    const data = await this.post(
      "/v2/photo_avatar/avatar_group/create",
      { name: input.name, image_key: input.image.imageKey },
      lookSchema,
    );
    return { lookId: data.id, groupId: data.group_id ?? data.id, status: data.status };
  }

  async getLook(lookId: string): Promise<Look> {
    const data = await this.get(encodePath`/v2/photo_avatar/${lookId}`, lookSchema);
    return { lookId: data.id, groupId: data.group_id ?? "", status: data.status };
  }

  async createVideo(input: CreateVideoInput): Promise<{ videoId: string }> {
    const character =
      input.character.type === "look"
        ? {
            type: "talking_photo",
            talking_photo_id: input.character.lookId,
            ...talkingPhotoStyle(input.character.avatarStyle),
          }
        : {
            type: "avatar",
            avatar_id: input.character.avatarId,
            avatar_style: input.character.avatarStyle ?? "normal",
          };
    const body: Record<string, unknown> = {
      video_inputs: [{ character, voice: v2Voice(input) }],
      dimension: input.dimension,
      title: input.title,
      callback_id: input.callbackId,
    };
    if (input.folderId) body.folder_id = input.folderId;
    const data = await this.post("/v2/video/generate", body, z.object({ video_id: z.string() }));
    return { videoId: data.video_id };
  }

  async getVideo(videoId: string): Promise<VideoDetails> {
    const d = await this.get("/v1/video_status.get", videoSchema, { video_id: videoId });
    return {
      videoId: d.id ?? d.video_id ?? videoId,
      status: d.status,
      videoUrl: d.video_url,
      thumbnailUrl: d.thumbnail_url,
      durationSeconds: d.duration ?? null,
      callbackId: d.callback_id,
      error: d.error
        ? {
            code: d.error.code == null ? null : String(d.error.code),
            message: d.error.message ?? d.error.detail ?? "HeyGen could not render the video",
          }
        : null,
    };
  }

  /** One page of `GET /v1/video.list`, and the token of the next page (null: the last). */
  async listVideos(query: {
    folderId?: string;
    limit: number;
    token?: string;
  }): Promise<{ videos: ListedVideo[]; token: string | null }> {
    const data = await this.get("/v1/video.list", videoListSchema, {
      limit: query.limit,
      ...(query.folderId ? { folder_id: query.folderId } : {}),
      ...(query.token ? { token: query.token } : {}),
    });
    return {
      videos: data.videos.map((v) => ({
        videoId: v.video_id,
        status: v.status,
        createdAt: v.created_at ?? null,
        title: v.video_title,
      })),
      token: data.token ?? null,
    };
  }

  async findVideoByTitle(
    marker: string,
    folderId: string | undefined,
    limits: VideoLookupLimits = DEFAULT_LOOKUP_LIMITS,
  ): Promise<ListedVideo | null> {
    let token: string | undefined;
    for (let page = 0; page < limits.maxPages; page++) {
      const listed = await this.listVideos({ folderId, limit: limits.pageSize, token });
      const hit = listed.videos.find((v) => v.title?.endsWith(marker));
      if (hit) return hit;
      if (!listed.token) return null;
      token = listed.token;
    }
    return null;
  }

  async listAvatars(): Promise<AvatarSummary[]> {
    const data = await this.get(
      "/v2/avatars",
      z.object({
        avatars: z
          .array(
            z.object({
              avatar_id: z.string(),
              avatar_name: z.string().default(""),
              gender: nullableString,
              preview_image_url: nullableString,
            }),
          )
          .default([]),
        talking_photos: z
          .array(
            z.object({
              talking_photo_id: z.string(),
              talking_photo_name: z.string().default(""),
              preview_image_url: nullableString,
            }),
          )
          .default([]),
      }),
    );
    return [
      ...data.avatars.map((a) => ({
        id: a.avatar_id,
        name: a.avatar_name,
        type: "avatar" as const,
        previewImageUrl: a.preview_image_url,
        gender: a.gender,
      })),
      ...data.talking_photos.map((t) => ({
        id: t.talking_photo_id,
        name: t.talking_photo_name,
        type: "talking_photo" as const,
        previewImageUrl: t.preview_image_url,
        gender: null,
      })),
    ];
  }

  async listVoices(): Promise<VoiceSummary[]> {
    const data = await this.get(
      "/v2/voices",
      z.object({
        voices: z.array(
          z.object({
            voice_id: z.string(),
            name: z.string().default(""),
            language: nullableString,
            gender: nullableString,
            preview_audio: nullableString,
          }),
        ),
      }),
    );
    return data.voices.map((v) => ({
      id: v.voice_id,
      name: v.name,
      language: v.language,
      gender: v.gender,
      previewAudioUrl: v.preview_audio,
      supportLocale: false,
    }));
  }
}
