/**
 * Gets the user's photo and voice out of Storage into temporary files, streaming
 * (never the whole file in memory), checks what they really are from their bytes,
 * and converts voices to MP3 (browsers record WebM/Opus; HeyGen takes audio/mpeg).
 */
import { createHash } from "node:crypto";
import { createWriteStream, promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Bucket } from "@google-cloud/storage";
import { ApiError } from "../../errors";
import { runFfmpeg, untrustedInputArgs } from "./ffmpeg";
import { isAudioType, sniffType, type SniffedType } from "./sniff";
import type { StorageReference } from "./storage-reference";

/** HeyGen's audio input limit: 10 minutes on both API versions. */
export const MAX_VOICE_SECONDS = 600;
/** v3 uploads take 32 MB; legacy's limit is undocumented (10–50 MB): stay under both. */
export const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;
/** What we accept from the user before conversion. */
export const MAX_SOURCE_BYTES = 100 * 1024 * 1024;
/** A conversion of at most 10 minutes of audio takes seconds; past this ffmpeg is killed. */
export const VOICE_CONVERSION_TIMEOUT_MS = 90_000;

export interface LocalMedia {
  path: string;
  contentType: string;
  size: number;
  /** sha256 of the source object's bytes (identifies "the same photo"). */
  sha256: string;
  durationSeconds?: number;
}

export class TempDir {
  private constructor(readonly dir: string) {}
  static async create(): Promise<TempDir> {
    return new TempDir(await fsp.mkdtemp(path.join(os.tmpdir(), "masky-media-")));
  }
  file(name: string): string {
    return path.join(this.dir, name);
  }
  async dispose(): Promise<void> {
    await fsp.rm(this.dir, { recursive: true, force: true });
  }
}

export async function download(
  bucket: Bucket,
  ref: StorageReference,
  target: string,
  field: string,
): Promise<{ size: number; sha256: string; type: SniffedType }> {
  const file = bucket.file(ref.path);
  const [exists] = await file.exists();
  if (!exists)
    throw new ApiError(
      "NOT_FOUND",
      `${field}: ${ref.path} does not exist in Storage; upload it first.`,
    );
  const [meta] = await file.getMetadata();
  if (Number(meta.size ?? 0) > MAX_SOURCE_BYTES) {
    throw new ApiError(
      "PAYLOAD_TOO_LARGE",
      `${field} is larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MB.`,
    );
  }
  const hash = createHash("sha256");
  let head = Buffer.alloc(0);
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      if (head.length < 64) head = Buffer.concat([head, chunk.subarray(0, 64 - head.length)]);
      if (size > MAX_SOURCE_BYTES)
        return done(new ApiError("PAYLOAD_TOO_LARGE", `${field} is too large.`));
      done(null, chunk);
    },
  });
  await pipeline(file.createReadStream({ validation: false }), tap, createWriteStream(target));
  return { size, sha256: hash.digest("hex"), type: sniffType(head) };
}

export async function preparePhoto(
  bucket: Bucket,
  ref: StorageReference,
  tmp: TempDir,
): Promise<LocalMedia> {
  const target = tmp.file("photo");
  const got = await download(bucket, ref, target, "The photo");
  if (got.type !== "image/jpeg" && got.type !== "image/png") {
    throw new ApiError("UNSUPPORTED_MEDIA", "The photo must be a JPEG or PNG image.");
  }
  if (got.size > MAX_UPLOAD_BYTES) {
    throw new ApiError(
      "PAYLOAD_TOO_LARGE",
      "The photo is larger than 32 MB; upload a smaller image.",
    );
  }
  return { path: target, contentType: got.type, size: got.size, sha256: got.sha256 };
}

export async function prepareVoice(
  bucket: Bucket,
  ref: StorageReference,
  tmp: TempDir,
): Promise<LocalMedia> {
  const source = tmp.file("voice-source");
  const got = await download(bucket, ref, source, "The voice recording");
  if (!isAudioType(got.type)) {
    throw new ApiError(
      "UNSUPPORTED_MEDIA",
      "The voice recording is not audio (WebM, Ogg, MP3, WAV, M4A or FLAC).",
    );
  }
  const mp3 = tmp.file("voice.mp3");
  let duration: number | null;
  try {
    // MP3 is re-encoded too: one path for every format, and the duration is measured.
    // Hardened: -f from the sniffed type, file/pipe protocols only, empty environment,
    // output capped in time (-t) and size (-fs), killed after the timeout.
    const result = await runFfmpeg(
      [
        "-y",
        "-stats",
        ...untrustedInputArgs(source, got.type),
        "-vn",
        "-ac",
        "1",
        "-ar",
        "44100",
        "-c:a",
        "libmp3lame",
        "-b:a",
        "96k",
        "-t",
        String(MAX_VOICE_SECONDS + 1),
        "-fs",
        String(MAX_UPLOAD_BYTES),
        mp3,
      ],
      VOICE_CONVERSION_TIMEOUT_MS,
    );
    duration = result.durationSeconds;
  } catch (err) {
    throw new ApiError(
      "UNSUPPORTED_MEDIA",
      "The voice recording could not be decoded; record it again.",
      {
        cause: err,
      },
    );
  }
  if (duration !== null && duration > MAX_VOICE_SECONDS + 0.5) {
    throw new ApiError(
      "INVALID_REQUEST",
      `The voice recording is longer than HeyGen's limit of ${MAX_VOICE_SECONDS / 60} minutes; record a shorter one.`,
    );
  }
  if (!duration || duration < 0.1) {
    throw new ApiError("INVALID_REQUEST", "The voice recording is empty; record it again.");
  }
  const size = (await fsp.stat(mp3)).size;
  return {
    path: mp3,
    contentType: "audio/mpeg",
    size,
    sha256: got.sha256,
    durationSeconds: duration,
  };
}
