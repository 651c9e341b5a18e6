/**
 * Cloud Storage access through @google-cloud/storage (it honours
 * STORAGE_EMULATOR_HOST in local runs). Loaded lazily.
 */
import type { Bucket } from "@google-cloud/storage";

let cached: { name: string; bucket: Bucket } | null = null;

export function getBucket(name: string): Bucket {
  if (cached?.name === name) return cached.bucket;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Storage } = require("@google-cloud/storage") as typeof import("@google-cloud/storage");
  const bucket = new Storage().bucket(name);
  cached = { name, bucket };
  return bucket;
}

/** Lifetime of every signed read URL the API hands out (videos, GLBs). */
export const SIGNED_URL_SECONDS = 3600;

/**
 * A V4 signed read URL of one object, valid `seconds` (default SIGNED_URL_SECONDS) from
 * `now` (signed through IAM signBlob in production, with the local signer in the
 * emulator). The URL itself carries that lifetime: X-Goog-Date is `now` and
 * X-Goog-Expires is `seconds`, the `expiresIn` reported beside it.
 */
export async function signedReadUrl(
  bucketName: string,
  path: string,
  now: Date,
  seconds: number = SIGNED_URL_SECONDS,
): Promise<{ url: string; expiresIn: number }> {
  const [url] = await getBucket(bucketName)
    .file(path)
    .getSignedUrl({
      version: "v4",
      action: "read",
      accessibleAt: now,
      expires: now.getTime() + seconds * 1000,
    });
  return { url, expiresIn: seconds };
}
