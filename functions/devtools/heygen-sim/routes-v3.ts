/** v3 endpoints of the simulator, as HeyGen's v3 API reference and CLI describe them. */
import busboy from "busboy";
import { newId, PUBLIC_AVATARS, PUBLIC_VOICES, type SimLook, type SimModel } from "./model";
import {
  errorReply,
  jsonBody,
  ok,
  saveAsset,
  sniff,
  type SimReply,
  type SimRequest,
  type SimRoute,
} from "./http";
import { videoView } from "./routes-legacy";
import { fetchAudioUrl } from "./audio-url";
import { previewAudioPath, previewImagePath } from "./previews";
import { checkV3Script, defaultVoiceFor, synthesizeSpeech } from "./tts";

/**
 * HeyGen's v3 simple upload (`POST /v3/assets`): max 32 MB; png, jpeg, mp4, webm, mp3,
 * wav (pdf/srt not simulated).
 */
const MAX_ASSET_BYTES = 32 * 1024 * 1024;
const V3_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "video/mp4",
  "video/webm",
  "audio/mpeg",
  "audio/wav",
]);

/** Reads the one `file` part of a multipart body (the only form /v3/assets takes). */
function readFilePart(req: SimRequest): Promise<Buffer | "not-multipart" | "too-large" | null> {
  return new Promise((resolve) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: MAX_ASSET_BYTES, files: 1 } });
    } catch {
      req.req.resume();
      return resolve("not-multipart");
    }
    let result: Buffer | "too-large" | null = null;
    bb.on("file", (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("limit", () => (result = "too-large"));
      stream.on("end", () => {
        if (name === "file" && result !== "too-large") result = Buffer.concat(chunks);
      });
    });
    bb.on("close", () => resolve(result));
    bb.on("error", () => resolve(null));
    req.req.pipe(bb);
  });
}

function v3LookView(model: SimModel, look: SimLook) {
  const raw = model.lookStatus(look);
  const status = raw === "pending" ? "processing" : raw;
  const done = status === "completed";
  return {
    id: look.id,
    name: look.name,
    avatar_type: "photo_avatar",
    group_id: look.groupId,
    status,
    preview_image_url: done ? model.signedMediaUrl(`/media/images/${look.imageAssetId}.jpg`) : null,
    preview_video_url: null,
    image_width: done ? 512 : 0,
    image_height: done ? 512 : 0,
    supported_api_engines: ["avatar_iv", "avatar_iii"],
    default_voice_id: defaultVoiceFor(look.id),
    gender: null,
    tags: [],
    error: look.failed ? { code: "avatar_failed", message: look.failed } : null,
  };
}

/** One page of a v3 list: `limit` (capped), `token` an offset, `has_more` / `next_token`. */
export function page<T>(items: T[], req: SimRequest, maxLimit: number): SimReply {
  const limit = Math.min(Number(req.query.get("limit") ?? 20) || 20, maxLimit);
  const start = Number(req.query.get("token") ?? 0) || 0;
  const slice = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return {
    status: 200,
    body: { data: slice, has_more: more, next_token: more ? String(start + limit) : null },
  };
}

export function v3Routes(model: SimModel, dir: string): SimRoute[] {
  return [
    {
      method: "POST",
      host: "api",
      api: "v3",
      pattern: /^\/v3\/webhooks\/endpoints$/,
      async handle(req) {
        const body = await jsonBody<{ url?: string; events?: string[] | null }>(req);
        if (!body?.url) return errorReply("v3", 400, "invalid_parameter", "url is required");
        const endpoint = model.addWebhook(body.url, body.events ?? null);
        return ok("v3", {
          endpoint_id: endpoint.id,
          url: endpoint.url,
          events: endpoint.events,
          status: "enabled",
          created_at: new Date().toISOString(),
          secret: endpoint.secret,
        });
      },
    },
    {
      method: "POST",
      host: "api",
      api: "v3",
      pattern: /^\/v3\/assets$/,
      async handle(req) {
        const bytes = await readFilePart(req);
        if (bytes === "not-multipart" || bytes === null) {
          return errorReply(
            "v3",
            400,
            "invalid_parameter",
            "Send the file as multipart/form-data in a part named file",
          );
        }
        if (bytes === "too-large")
          return errorReply("v3", 413, "payload_too_large", "Assets are limited to 32 MB");
        const mime = sniff(bytes); // v3 detects the type from the bytes
        if (!mime || !V3_TYPES.has(mime)) {
          return errorReply("v3", 400, "invalid_parameter", "Unsupported file type");
        }
        const asset = await saveAsset(model, dir, bytes, mime);
        return ok("v3", {
          asset_id: asset.id,
          url: model.signedMediaUrl(`/media/images/${asset.id}.jpg`),
          mime_type: mime,
          size_bytes: asset.size,
        });
      },
    },
    {
      method: "POST",
      host: "api",
      api: "v3",
      pattern: /^\/v3\/avatars$/,
      async handle(req) {
        const body = await jsonBody<{
          type?: string;
          name?: string;
          file?: { type?: string; asset_id?: string };
          avatar_group_id?: string;
        }>(req);
        if (body?.type !== "photo")
          return errorReply("v3", 400, "invalid_parameter", "type must be photo here");
        if (!body.name) return errorReply("v3", 400, "invalid_parameter", "name is required");
        const asset =
          body.file?.type === "asset_id" && body.file.asset_id
            ? model.assets.get(body.file.asset_id)
            : undefined;
        if (!asset || asset.fileType !== "image") {
          return errorReply(
            "v3",
            400,
            "invalid_parameter",
            "file must reference an uploaded image asset",
          );
        }
        let groupId = body.avatar_group_id;
        if (groupId && !model.groups.has(groupId))
          return errorReply("v3", 404, "not_found", "Avatar group not found");
        if (!groupId) {
          groupId = newId();
          model.groups.set(groupId, { id: groupId, name: body.name });
        }
        const look: SimLook = {
          id: newId(),
          groupId,
          name: body.name,
          imageAssetId: asset.id,
          createdAt: Date.now(),
          failed: model.nextLookFailure ?? undefined,
        };
        model.looks.set(look.id, look);
        const looksCount = [...model.looks.values()].filter((l) => l.groupId === groupId).length;
        return ok("v3", {
          avatar_item: v3LookView(model, look),
          avatar_group: {
            id: groupId,
            name: body.name,
            looks_count: looksCount,
            status: "processing",
            consent_status: null,
          },
        });
      },
    },
    {
      method: "GET",
      host: "api",
      api: "v3",
      pattern: /^\/v3\/avatars\/looks\/([A-Za-z0-9_-]+)$/,
      async handle(_req, m) {
        const look = model.looks.get(m[1]);
        if (look) return ok("v3", v3LookView(model, look));
        const pub = PUBLIC_AVATARS.find((a) => a.id === m[1]);
        if (pub)
          return ok("v3", {
            id: pub.id,
            name: pub.name,
            avatar_type: "studio_avatar",
            status: null,
            preview_image_url: model.publicMediaUrl(previewImagePath(pub.id)),
            default_voice_id: defaultVoiceFor(pub.id),
          });
        return errorReply("v3", 404, "avatar_not_found", `Avatar look ${m[1]} not found`);
      },
    },
    {
      method: "GET",
      host: "api",
      api: "v3",
      pattern: /^\/v3\/avatars\/looks$/,
      async handle(req) {
        const items: unknown[] =
          req.query.get("ownership") === "private"
            ? [...model.looks.values()].map((l) => v3LookView(model, l))
            : PUBLIC_AVATARS.map((a) => ({
                id: a.id,
                name: a.name,
                avatar_type: "studio_avatar",
                preview_image_url: model.publicMediaUrl(previewImagePath(a.id)),
                gender: a.gender,
                default_voice_id: defaultVoiceFor(a.id),
              }));
        return page(items, req, 50);
      },
    },
    {
      method: "POST",
      host: "api",
      api: "v3",
      pattern: /^\/v3\/videos$/,
      async handle(req) {
        const body = await jsonBody<Record<string, unknown>>(req);
        if (body?.type !== "avatar")
          return errorReply("v3", 400, "invalid_parameter", "type must be avatar here");
        // v2 fields v3 does not have, the characters' framing among them.
        for (const legacy of [
          "folder_id",
          "dimension",
          "test",
          "video_inputs",
          "avatar_style",
          "talking_photo_style",
        ]) {
          if (legacy in body)
            return errorReply("v3", 400, "invalid_parameter", `Unknown field ${legacy}`);
        }
        const avatarId = String(body.avatar_id ?? "");
        let imageFile: string | null = null;
        const look = model.looks.get(avatarId);
        if (look) {
          if (model.lookStatus(look) !== "completed") {
            return errorReply(
              "v3",
              409,
              "resource_not_ready",
              `Avatar ${avatarId} is still processing`,
            );
          }
          imageFile = model.assets.get(look.imageAssetId)?.file ?? null;
        } else if (!PUBLIC_AVATARS.some((a) => a.id === avatarId)) {
          return errorReply("v3", 404, "avatar_not_found", `Avatar ${avatarId} not found`);
        }
        let audioFile: string;
        if ("script" in body) {
          const text = checkV3Script(body, avatarId);
          if ("error" in text) return text.error;
          audioFile = await synthesizeSpeech(dir, text.ok);
        } else if ("audio_url" in body) {
          if ("audio_asset_id" in body)
            return errorReply(
              "v3",
              400,
              "invalid_parameter",
              "audio_asset_id and audio_url are mutually exclusive",
            );
          const got = await fetchAudioUrl(dir, String(body.audio_url), model.audioUrlFetches);
          if ("error" in got) return errorReply("v3", 400, "invalid_parameter", got.error);
          audioFile = got.file;
        } else {
          const audio = model.assets.get(String(body.audio_asset_id ?? ""));
          if (!audio || audio.fileType !== "audio") {
            return errorReply(
              "v3",
              400,
              "invalid_parameter",
              "audio_asset_id must reference an audio asset",
            );
          }
          audioFile = audio.file;
        }
        if (body.resolution && !["720p", "1080p", "4k"].includes(String(body.resolution))) {
          return errorReply("v3", 400, "invalid_parameter", "resolution is invalid");
        }
        const id = model.addVideo({
          api: "v3",
          title: String(body.title ?? ""),
          callbackId: body.callback_id ? String(body.callback_id) : null,
          folderId: null,
          imageFile,
          audioFile,
        });
        return ok("v3", { video_id: id, status: "waiting", output_format: "mp4" });
      },
    },
    {
      method: "GET",
      host: "api",
      api: "v3",
      pattern: /^\/v3\/videos\/([a-f0-9]+)$/,
      async handle(_req, m) {
        const v = videoView(model, m[1]);
        if (!v) return errorReply("v3", 404, "video_not_found", `Video ${m[1]} not found`);
        const failed = v.status === "failed";
        return ok("v3", {
          id: v.id,
          status: v.status,
          title: model.videos.get(m[1])?.title ?? "",
          created_at: v.created_at,
          completed_at: v.status === "completed" ? Math.floor(Date.now() / 1000) : null,
          duration: v.duration,
          video_url: v.video_url,
          thumbnail_url: v.thumbnail_url,
          callback_id: v.callback_id,
          video_page_url: `https://sim.invalid/videos/${v.id}`,
          failure_code: failed ? String(v.error?.code ?? "rendering_failed") : null,
          failure_message: failed ? (v.error?.message ?? "Rendering failed") : null,
        });
      },
    },
    {
      method: "GET",
      host: "api",
      api: "v3",
      pattern: /^\/v3\/voices$/,
      async handle(req) {
        return page(
          PUBLIC_VOICES.map((v) => ({
            ...v,
            type: "public",
            preview_audio_url: model.publicMediaUrl(previewAudioPath(v.voice_id)),
            support_pause: true,
            support_locale: v.support_locale,
          })),
          req,
          100,
        );
      },
    },
  ];
}
