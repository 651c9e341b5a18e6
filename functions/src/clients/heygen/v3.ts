/**
 * HeyGen API v3, following HeyGen's v3 API reference (developers.heygen.com) and the
 * request schemas HeyGen's own CLI (heygen-com/heygen-cli) generates from its OpenAPI
 * spec. Points handled defensively and listed in the README, with how sure each is:
 * - upload answers `asset_id` in most docs but `id` in one example: read both (the
 *   divergence is reported by third parties, not confirmed by HeyGen);
 * - a look is usable only when `status` is completed *and* it has a preview image
 *   (HeyGen's own skill notes say so: likely, but not in the API reference);
 * - v3 has no folders and no `folder_id` on create: `supportsFolders` is false
 *   (confirmed by HeyGen's spec);
 * - `dimension` does not exist: it is mapped to `resolution` + `aspect_ratio`
 *   (confirmed by HeyGen's spec);
 * - POSTs carry an Idempotency-Key, so a 5xx on create can be retried safely
 *   (confirmed: HeyGen's reference documents the header on each create).
 */
import { openAsBlob } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { HeygenTransport, encodePath } from "./transport";
import { HeygenError } from "./errors";
import type {
  AvatarSummary,
  CreateVideoInput,
  HeygenClient,
  ListedVideo,
  Look,
  MediaFile,
  UploadedAsset,
  UpstreamDeleteOutcome,
  VideoDetails,
  VoiceSummary,
} from "./types";
import { nullableString } from "./schemas";

const MAX_LIST_PAGES = 5;

const lookSchema = z.object({
  id: z.string(),
  group_id: z.string().nullish(),
  status: z.string().nullish(),
  preview_image_url: nullableString,
  default_voice_id: nullableString,
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

/** Nearest supported aspect ratio and resolution for a requested pixel size. */
export function v3OutputFormat(d: { width: number; height: number }): {
  resolution: string;
  aspect_ratio: string;
} {
  const ratios: [string, number][] = [
    ["16:9", 16 / 9],
    ["9:16", 9 / 16],
    ["1:1", 1],
    ["4:5", 4 / 5],
    ["5:4", 5 / 4],
  ];
  const r = d.width / d.height;
  const aspect = ratios.reduce((best, cur) =>
    Math.abs(cur[1] - r) < Math.abs(best[1] - r) ? cur : best,
  )[0];
  const short = Math.min(d.width, d.height);
  const resolution = short >= 2160 ? "4k" : short >= 1080 ? "1080p" : "720p";
  return { resolution, aspect_ratio: aspect };
}

/**
 * The voice fields of a `type:"avatar"` create (HeyGen's v3 reference, Create Video):
 * `audio_asset_id`, `audio_url`, or `script` + `voice_id` +
 * `voice_settings{speed, pitch, locale?}`; `voice_id` is left out to use the look's
 * default voice.
 */
function v3Voice(input: CreateVideoInput): Record<string, unknown> {
  if (input.audioUrl !== undefined) return { audio_url: input.audioUrl };
  if (!input.textVoice) return { audio_asset_id: input.audioAssetId };
  const t = input.textVoice;
  return {
    script: t.script,
    ...(t.voiceId ? { voice_id: t.voiceId } : {}),
    voice_settings: { speed: t.speed, pitch: t.pitch, ...(t.locale ? { locale: t.locale } : {}) },
  };
}

export class HeygenV3Client implements HeygenClient {
  readonly version = "v3" as const;
  readonly supportsFolders = false;

  constructor(
    private readonly transport: HeygenTransport,
    private readonly apiBaseUrl: string,
  ) {}

  async findFolder(): Promise<string | null> {
    return null;
  }

  async createFolder(): Promise<string> {
    throw new Error("HeyGen v3 has no folder endpoints");
  }

  private async upload(file: MediaFile, idempotencyKey: string): Promise<UploadedAsset> {
    const blob = await openAsBlob(file.path, { type: file.contentType });
    const data = await this.transport.request({
      method: "POST",
      baseUrl: this.apiBaseUrl,
      path: "/v3/assets",
      body: () => {
        const form = new FormData();
        form.append("file", blob, path.basename(file.path));
        return form;
      },
      idempotencyKey,
      schema: z
        .object({ asset_id: z.string().optional(), id: z.string().optional() })
        .refine((d) => d.asset_id ?? d.id, { message: "asset_id is missing" }),
      timeoutMs: 120000,
    });
    return { assetId: (data.asset_id ?? data.id) as string };
  }

  uploadImage(file: MediaFile, idempotencyKey: string): Promise<UploadedAsset> {
    return this.upload(file, idempotencyKey);
  }

  uploadAudio(file: MediaFile, idempotencyKey: string): Promise<UploadedAsset> {
    return this.upload(file, idempotencyKey);
  }

  private toLook(l: z.output<typeof lookSchema>, groupId?: string): Look {
    const raw = l.status ?? "processing";
    // Not usable before it has a preview image, whatever the status says.
    const status = raw === "completed" && !l.preview_image_url ? "processing" : raw;
    return {
      lookId: l.id,
      groupId: l.group_id ?? groupId ?? "",
      status,
      error: l.error?.message ?? undefined,
      defaultVoiceId: l.default_voice_id,
    };
  }

  async createLook(input: {
    name: string;
    image: UploadedAsset;
    groupId?: string;
    idempotencyKey: string;
  }): Promise<Look> {
    const body: Record<string, unknown> = {
      type: "photo",
      name: input.name,
      file: { type: "asset_id", asset_id: input.image.assetId },
    };
    if (input.groupId) body.avatar_group_id = input.groupId;
    const data = await this.transport.request({
      method: "POST",
      baseUrl: this.apiBaseUrl,
      path: "/v3/avatars",
      body,
      idempotencyKey: input.idempotencyKey,
      schema: z.object({
        avatar_item: lookSchema.nullish(),
        avatar_group: z.object({ id: z.string() }).nullish(),
      }),
    });
    if (!data.avatar_item) throw new Error("HeyGen created no look (avatar_item is null)");
    return this.toLook(data.avatar_item, data.avatar_group?.id ?? input.groupId);
  }

  async getLook(lookId: string): Promise<Look> {
    const data = await this.transport.request({
      method: "GET",
      baseUrl: this.apiBaseUrl,
      path: encodePath`/v3/avatars/looks/${lookId}`,
      schema: lookSchema,
    });
    return this.toLook(data);
  }

  async createVideo(input: CreateVideoInput): Promise<{ videoId: string }> {
    const avatarId =
      input.character.type === "look" ? input.character.lookId : input.character.avatarId;
    // v3 frames every avatar one way (normal): the service refuses any other framing.
    const style = input.character.avatarStyle;
    if (style !== undefined && style !== "normal")
      throw new Error(`v3 has no avatar framing "${style}"`);
    const data = await this.transport.request({
      method: "POST",
      baseUrl: this.apiBaseUrl,
      path: "/v3/videos",
      idempotencyKey: input.idempotencyKey,
      body: {
        type: "avatar",
        avatar_id: avatarId,
        ...v3Voice(input),
        title: input.title,
        callback_id: input.callbackId,
        ...v3OutputFormat(input.dimension),
      },
      schema: z.object({ video_id: z.string() }),
    });
    return { videoId: data.video_id };
  }

  private async remove(pathname: string): Promise<UpstreamDeleteOutcome> {
    try {
      await this.transport.request({
        method: "DELETE",
        baseUrl: this.apiBaseUrl,
        path: pathname,
        schema: z.unknown(),
      });
    } catch (err) {
      if (!(err instanceof HeygenError && err.kind === "not_found")) throw err;
    }
    return "deleted";
  }

  /** `DELETE /v3/videos/{id}` → `{id, deleted: true}`. */
  deleteVideo(videoId: string): Promise<UpstreamDeleteOutcome> {
    return this.remove(encodePath`/v3/videos/${videoId}`);
  }

  deleteAsset(assetId: string): Promise<UpstreamDeleteOutcome> {
    return this.remove(encodePath`/v3/assets/${assetId}`);
  }

  deleteLook(lookId: string): Promise<UpstreamDeleteOutcome> {
    return this.remove(encodePath`/v3/avatars/looks/${lookId}`);
  }

  /** Deleting the last look already deletes the group: a 404 here counts as deleted. */
  deleteGroup(groupId: string): Promise<UpstreamDeleteOutcome> {
    return this.remove(encodePath`/v3/avatars/${groupId}`);
  }

  async getVideo(videoId: string): Promise<VideoDetails> {
    const d = await this.transport.request({
      method: "GET",
      baseUrl: this.apiBaseUrl,
      path: encodePath`/v3/videos/${videoId}`,
      schema: z.object({
        id: z.string().nullish(),
        status: z.string(),
        video_url: nullableString,
        thumbnail_url: nullableString,
        duration: z.number().nullish(),
        callback_id: nullableString,
        failure_code: nullableString,
        failure_message: nullableString,
      }),
    });
    return {
      videoId: d.id ?? videoId,
      status: d.status,
      videoUrl: d.video_url,
      thumbnailUrl: d.thumbnail_url,
      durationSeconds: d.duration ?? null,
      callbackId: d.callback_id,
      error:
        d.status === "failed" || d.failure_code || d.failure_message
          ? {
              code: d.failure_code,
              message: d.failure_message ?? "HeyGen could not render the video",
            }
          : null,
    };
  }

  private async listAll<T extends z.ZodType>(
    path: string,
    item: T,
    query: Record<string, string | number>,
  ) {
    const out: z.output<T>[] = [];
    let token: string | null = null;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const res: { data: z.output<T>[]; nextToken: string | null } =
        await this.transport.requestPage({
          method: "GET",
          baseUrl: this.apiBaseUrl,
          path,
          query: { ...query, ...(token ? { token } : {}) },
          schema: z.array(item),
        });
      out.push(...res.data);
      token = res.nextToken;
      if (!token) break;
    }
    return out;
  }

  /** `GET /v3/videos?title=`: HeyGen does not document the match, so it is checked here too. */
  async listVideosByTitle(part: string): Promise<ListedVideo[]> {
    const videos = await this.listAll(
      "/v3/videos",
      z.object({
        id: z.string(),
        title: nullableString,
        status: z.string().default("unknown"),
        created_at: z.number().nullish(),
      }),
      { title: part, limit: 100 },
    );
    return videos
      .filter((v) => v.title?.includes(part))
      .map((v) => ({
        videoId: v.id,
        status: v.status,
        createdAt: v.created_at ?? null,
        title: v.title,
      }));
  }

  async listAvatars(): Promise<AvatarSummary[]> {
    const looks = await this.listAll(
      "/v3/avatars/looks",
      z.object({
        id: z.string(),
        name: z.string().default(""),
        avatar_type: z.string().nullish(),
        preview_image_url: nullableString,
        gender: nullableString,
        default_voice_id: nullableString,
      }),
      { ownership: "public", limit: 50 },
    );
    return looks.map((l) => ({
      id: l.id,
      name: l.name,
      type: l.avatar_type === "photo_avatar" ? ("talking_photo" as const) : ("avatar" as const),
      previewImageUrl: l.preview_image_url,
      gender: l.gender,
      defaultVoiceId: l.default_voice_id,
    }));
  }

  async listVoices(): Promise<VoiceSummary[]> {
    const voices = await this.listAll(
      "/v3/voices",
      z.object({
        voice_id: z.string(),
        name: z.string().default(""),
        language: nullableString,
        gender: nullableString,
        preview_audio_url: nullableString,
        support_locale: z.boolean().nullish(),
      }),
      { type: "public", limit: 100 },
    );
    return voices.map((v) => ({
      id: v.voice_id,
      name: v.name,
      language: v.language,
      gender: v.gender,
      previewAudioUrl: v.preview_audio_url,
      supportLocale: v.support_locale === true,
    }));
  }
}
