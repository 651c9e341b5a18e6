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
