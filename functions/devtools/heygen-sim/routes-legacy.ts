/** Legacy v1/v2 endpoints of the simulator, as HeyGen's v1/v2 API reference describes them. */
import { newId, PUBLIC_AVATARS, PUBLIC_VOICES, type SimLook, type SimModel } from "./model";
import { assetView, errorReply, jsonBody, ok, saveAsset, sniff, type SimRoute } from "./http";
import { checkFraming } from "./framing";
import { fetchAudioUrl } from "./audio-url";
import { previewAudioPath, previewImagePath } from "./previews";
import { checkLegacyTextVoice, defaultVoiceFor, synthesizeSpeech } from "./tts";

/**
 * The Content-Type enum that HeyGen's Upload Asset reference documents for
 * `POST upload.heygen.com/v1/asset`.
 */
const UPLOAD_TYPES = new Set(["image/png", "image/jpeg", "video/mp4", "video/webm", "audio/mpeg"]);

export function lookView(model: SimModel, look: SimLook) {
  const status = model.lookStatus(look);
  return {
    id: look.id,
    group_id: look.groupId,
    name: look.name,
    status,
    image_url: model.signedMediaUrl(`/media/images/${look.imageAssetId}.jpg`),
    created_at: look.createdAt / 1000,
    is_motion: false,
    motion_preview_url: null,
    business_type: "user_upload",
    upscale_availability: {
      available: status === "completed",
      reason: status === "completed" ? "" : "Photo avatar look upload not completed",
    },
    upscaled: false,
    background_sound_effect: null,
    default_voice_id: defaultVoiceFor(look.id),
  };
}

export function videoView(model: SimModel, id: string) {
  const v = model.videos.get(id);
  if (!v) return null;
  const status = model.videoStatus(v);
  const done = status === "completed";
  return {
    id: v.id,
    status,
    video_url: done ? model.signedMediaUrl(`/media/videos/${v.id}.mp4`) : null,
    video_url_caption: null,
    thumbnail_url:
      done && v.imageFile ? model.signedMediaUrl(`/media/thumbnails/${v.id}.jpg`) : null,
    gif_url: null,
    caption_url: null,
    duration: done ? v.durationSeconds : null,
    callback_id: v.callbackId,
    created_at: Math.floor(v.createdAt / 1000),
    error:
      status === "failed" && v.failure
        ? { code: v.failure.code, detail: v.failure.message, message: v.failure.message }
        : null,
  };
}

/** null when the URL answers OPTIONS with 2xx within a second, else why not. */
async function probeWebhookUrl(url: string): Promise<string | null> {
  try {
    const res = await fetch(url, { method: "OPTIONS", signal: AbortSignal.timeout(1000) });
    return res.ok ? null : `OPTIONS answered ${res.status}`;
  } catch (err) {
    return `OPTIONS failed (${(err as Error).message})`;
  }
}

export function legacyRoutes(model: SimModel, dir: string): SimRoute[] {
  return [
    {
      method: "POST",
      host: "api",
      api: "v1",
      pattern: /^\/v1\/webhook\/endpoint\.add$/,
      async handle(req) {
        const body = await jsonBody<{ url?: string; events?: string[] | null }>(req);
        if (!body?.url) return errorReply("v1", 400, 40001, "url is required");
        // HeyGen validates the URL with an OPTIONS request and a 1-second timeout first.
        const probe = await probeWebhookUrl(body.url);
        if (probe) {
          return errorReply("v1", 400, 400175, `Webhook URL validation failed: ${probe}`);
        }
        const endpoint = model.addWebhook(body.url, body.events ?? null);
        return ok("v1", {
          endpoint_id: endpoint.id,
          url: endpoint.url,
          secret: endpoint.secret,
          status: "enabled",
          events: endpoint.events,
          created_at: new Date().toISOString(),
        });
      },
    },
    {
      method: "POST",
      host: "upload",
      api: "v1",
      pattern: /^\/v1\/asset$/,
      async handle(req) {
        const declared = String(req.headers["content-type"] ?? "")
          .split(";")[0]
          .trim()
          .toLowerCase();
        if (declared.startsWith("multipart/")) {
          return errorReply("v1", 400, 40001, "asset data must be provided");
        }
        const bytes = await req.body();
        if (bytes.length === 0) return errorReply("v1", 400, 40001, "asset data must be provided");
        if (!UPLOAD_TYPES.has(declared)) {
          return errorReply(
            "v1",
            400,
            400175,
            `Content-Type ${declared || "(none)"} is not supported`,
          );
        }
        const real = sniff(bytes);
        if (real !== declared) {
          return errorReply("v1", 400, 40010, `The file is not ${declared}`);
        }
        const asset = await saveAsset(model, dir, bytes, declared);
        return ok("v1", assetView(model, asset));
      },
    },
    {
      method: "GET",
      host: "api",
      api: "v1",
      pattern: /^\/v1\/folders$/,
      async handle(req) {
        const filter = req.query.get("name_filter") ?? "";
        const folders = [...model.folders.values()]
          .filter((f) => f.name.includes(filter))
          .map((f) => ({ id: f.id, name: f.name, project_type: f.projectType, parent_id: null }));
        return ok("v1", { folders, token: null });
      },
    },
    {
      method: "POST",
      host: "api",
      api: "v1",
      pattern: /^\/v1\/folders\/create$/,
      async handle(req) {
        const body = await jsonBody<{ name?: string; project_type?: string }>(req);
        const id = newId();
        const folder = { id, name: body?.name ?? "", projectType: body?.project_type ?? "mixed" };
        model.folders.set(id, folder);
        return ok("v1", {
          id,
          name: folder.name,
          project_type: folder.projectType,
          parent_id: null,
        });
      },
    },
    {
      method: "POST",
      host: "api",
      api: "v2",
      pattern: /^\/v2\/photo_avatar\/avatar_group\/create$/,
      async handle(req) {
        const body = await jsonBody<{ name?: string; image_key?: string }>(req);
        const asset = [...model.assets.values()].find(
          (a) => a.imageKey && a.imageKey === body?.image_key,
        );
        if (!body?.name) return errorReply("v2", 400, "invalid_parameter", "name is required");
        if (!asset) return errorReply("v2", 400, "invalid_parameter", "image_key is invalid");
        const id = newId();
        model.groups.set(id, { id, name: body.name });
        const look: SimLook = {
          id,
          groupId: id,
          name: body.name,
          imageAssetId: asset.id,
          createdAt: Date.now(),
          failed: model.nextLookFailure ?? undefined,
        };
        model.looks.set(id, look);
        return ok("v2", lookView(model, look));
      },
    },
    {
      method: "POST",
      host: "api",
      api: "v2",
      pattern: /^\/v2\/photo_avatar\/avatar_group\/add$/,
      async handle(req) {
        const body = await jsonBody<{ group_id?: string; image_keys?: string[]; name?: string }>(
          req,
        );
        if (!body?.group_id || !model.groups.has(body.group_id)) {
          return errorReply("v2", 400, "internal_error", "Avatar looks not found.");
        }
        const keys = body.image_keys ?? [];
        if (keys.length === 0 || keys.length > 4) {
          return errorReply("v2", 400, "invalid_parameter", "image_keys must hold 1 to 4 keys");
        }
        const list = [];
        for (const key of keys) {
          const asset = [...model.assets.values()].find((a) => a.imageKey === key);
          if (!asset)
            return errorReply("v2", 400, "invalid_parameter", `image_key ${key} is invalid`);
          const look: SimLook = {
            id: newId(),
            groupId: body.group_id,
            name: body.name ?? "",
            imageAssetId: asset.id,
            createdAt: Date.now(),
            failed: model.nextLookFailure ?? undefined,
          };
          model.looks.set(look.id, look);
          list.push(lookView(model, look));
        }
        return ok("v2", { photo_avatar_list: list });
      },
    },
    {
      method: "GET",
      host: "api",
      api: "v2",
      pattern: /^\/v2\/photo_avatar\/([a-f0-9]+)$/,
      async handle(_req, m) {
        const look = model.looks.get(m[1]);
        if (!look) return errorReply("v2", 404, "not_found", `Photo avatar ${m[1]} not found`);
        return ok("v2", lookView(model, look));
      },
    },
    {
      method: "GET",
      host: "api",
      api: "v2",
      pattern: /^\/v2\/avatar_group\/([a-f0-9]+)\/avatars$/,
      async handle(_req, m) {
        if (!model.groups.has(m[1]))
          return errorReply("v2", 400, "internal_error", "Avatar looks not found.");
        const looks = [...model.looks.values()].filter((l) => l.groupId === m[1]);
        return ok("v2", { avatar_list: looks.map((l) => lookView(model, l)) });
      },
    },
    {
      method: "POST",
      host: "api",
      api: "v2",
      pattern: /^\/v2\/video\/generate$/,
      async handle(req) {
        type Input = {
          character?: {
            type?: string;
            avatar_id?: string;
            talking_photo_id?: string;
            avatar_style?: unknown;
            talking_photo_style?: unknown;
          };
          voice?: { type?: string; audio_asset_id?: string; audio_url?: string } & Record<
            string,
            unknown
          >;
        };
        const body = await jsonBody<{
          video_inputs?: Input[];
          title?: string;
          callback_id?: string;
          folder_id?: string;
          dimension?: { width: number; height: number };
        }>(req);
        const input = body?.video_inputs?.[0];
        if (!input?.character || !input.voice) {
          return errorReply("v2", 400, 40001, "video_inputs[0].character and voice are required");
        }
        let imageFile: string | null = null;
        const ch = input.character;
        const framing = checkFraming(ch);
        if ("error" in framing) return framing.error;
        if (ch.type === "avatar") {
          if (!PUBLIC_AVATARS.some((a) => a.id === ch.avatar_id)) {
            return errorReply(
              "v2",
              400,
              "avatar_not_found",
              `Avatar ${ch.avatar_id} not found or no longer available`,
            );
          }
        } else if (ch.type === "talking_photo") {
          const look = ch.talking_photo_id ? model.looks.get(ch.talking_photo_id) : undefined;
          if (!look || model.lookStatus(look) !== "completed") {
            return errorReply(
              "v2",
              400,
              "photar_not_found",
              `Talking photo ${ch.talking_photo_id} not found`,
            );
          }
          imageFile = model.assets.get(look.imageAssetId)?.file ?? null;
        } else {
          return errorReply("v2", 400, 400175, `character.type ${ch.type} is invalid`);
        }
        const v = input.voice;
        let audioFile: string;
        if (v.type === "text") {
          const text = checkLegacyTextVoice(v);
          if ("error" in text) return text.error;
          audioFile = await synthesizeSpeech(dir, text.ok);
        } else {
          if (v.type !== "audio" || Boolean(v.audio_asset_id) === Boolean(v.audio_url)) {
            return errorReply(
              "v2",
              400,
              40001,
              "voice needs exactly one of audio_asset_id and audio_url",
            );
          }
          if (v.audio_url) {
            const got = await fetchAudioUrl(dir, v.audio_url, model.audioUrlFetches);
            if ("error" in got)
              return errorReply("v2", 400, 40044, `INVALID_AUDIO_FORMAT: ${got.error}`);
            audioFile = got.file;
          } else {
            const audio = v.audio_asset_id ? model.assets.get(v.audio_asset_id) : undefined;
            if (!audio || audio.fileType !== "audio") {
              return errorReply("v2", 400, 40044, "INVALID_AUDIO_FORMAT: audio asset not found");
            }
            audioFile = audio.file;
          }
        }
        const d = body?.dimension;
        if (
          d &&
          (d.width % 2 ||
            d.height % 2 ||
            d.width < 128 ||
            d.height < 128 ||
            d.width > 4096 ||
            d.height > 4096)
        ) {
          return errorReply("v2", 400, 400175, "dimension must be even and between 128 and 4096");
        }
        if (body?.folder_id && !model.folders.has(body.folder_id)) {
          return errorReply("v2", 400, 400175, "folder_id is invalid");
        }
        const id = model.addVideo({
          api: "v2",
          title: body?.title ?? "",
          callbackId: body?.callback_id ?? null,
          folderId: body?.folder_id ?? null,
          imageFile,
          audioFile,
          framing: framing.ok,
        });
        return ok("v2", { video_id: id });
      },
    },
    {
      method: "GET",
      host: "api",
      api: "v1",
      pattern: /^\/v1\/video_status\.get$/,
      async handle(req) {
        const view = videoView(model, req.query.get("video_id") ?? "");
        if (!view) return errorReply("v1", 400, 40031, "INVALID_VIDEO_ID: video not found");
        return ok("v1", view);
      },
    },
    {
      method: "GET",
      host: "api",
      api: "v2",
      pattern: /^\/v2\/avatars$/,
      async handle() {
        const talking = [...model.looks.values()]
          .filter((l) => model.lookStatus(l) === "completed")
          .map((l) => ({
            talking_photo_id: l.id,
            talking_photo_name: l.name,
            preview_image_url: model.signedMediaUrl(`/media/images/${l.imageAssetId}.jpg`),
          }));
        return ok("v2", {
          avatars: PUBLIC_AVATARS.map((a) => ({
            avatar_id: a.id,
            avatar_name: a.name,
            gender: a.gender,
            preview_image_url: model.publicMediaUrl(previewImagePath(a.id)),
            preview_video_url: null,
          })),
          talking_photos: talking,
        });
      },
    },
    {
      method: "GET",
      host: "api",
      api: "v2",
      pattern: /^\/v2\/voices$/,
      async handle() {
        return ok("v2", {
          voices: PUBLIC_VOICES.map((v) => ({
            voice_id: v.voice_id,
            name: v.name,
            language: v.language,
            gender: v.gender,
            preview_audio: model.publicMediaUrl(previewAudioPath(v.voice_id)),
            support_pause: true,
            emotion_support: false,
          })),
        });
      },
    },
  ];
}
