/** Request/reply types and HeyGen's error envelopes, per API generation. */
import type http from "node:http";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { simFileType } from "../sim-media/sniff";
import { newId, type Asset, type SimModel } from "./model";

export type SimApi = "v1" | "v2" | "v3";

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  req: http.IncomingMessage;
  body(): Promise<Buffer>;
}

export interface SimReply {
  status: number;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export interface SimRoute {
  method: string;
  pattern: RegExp;
  host: "api" | "upload";
  api: SimApi;
  handle(req: SimRequest, match: RegExpExecArray): Promise<SimReply>;
}

export function errorReply(
  api: SimApi,
  status: number,
  code: string | number,
  message: string,
  detail?: string,
): SimReply {
  if (api === "v1") return { status, body: { code, message, msg: message, data: null } };
  if (api === "v2")
    return {
      status,
      body: { data: null, error: { code, message, ...(detail ? { detail } : {}) } },
    };
  return { status, body: { error: { code: String(code), message } } };
}

export const ok = (api: SimApi, data: unknown): SimReply =>
  api === "v1"
    ? { status: 200, body: { code: 100, data, msg: null, message: "Success" } }
    : api === "v2"
      ? { status: 200, body: { error: null, data } }
      : { status: 200, body: { data } };

export async function jsonBody<T>(req: SimRequest): Promise<T | null> {
  try {
    return JSON.parse((await req.body()).toString("utf8")) as T;
  } catch {
    return null;
  }
}

export async function saveAsset(
  model: SimModel,
  dir: string,
  bytes: Buffer,
  mime: string,
): Promise<Asset> {
  const id = newId();
  const file = path.join(dir, `asset-${id}`);
  await fsp.writeFile(file, bytes);
  const fileType = mime.startsWith("image/")
    ? "image"
    : mime.startsWith("audio/")
      ? "audio"
      : "video";
  const asset: Asset = {
    id,
    file,
    mime,
    size: bytes.length,
    fileType,
    imageKey: fileType === "image" ? `image/${id}/original` : undefined,
    createdAt: Date.now(),
  };
  model.assets.set(id, asset);
  return asset;
}

/** The asset as HeyGen describes it after an upload. */
export function assetView(model: SimModel, a: Asset) {
  return {
    id: a.id,
    name: a.id,
    file_type: a.fileType,
    folder_id: "",
    meta: null,
    created_ts: Math.floor(a.createdAt / 1000),
    url: model.signedMediaUrl(`/media/images/${a.id}.${a.mime === "image/png" ? "png" : "jpg"}`),
    image_key: a.imageKey ?? null,
  };
}

/**
 * The type HeyGen detects from the bytes (HeyGen's v3 Upload Asset reference says the
 * type is read from the file's bytes; its legacy Upload Asset reference lists the types
 * the legacy upload takes).
 */
export const sniff = (bytes: Buffer): string | null => simFileType(bytes);
