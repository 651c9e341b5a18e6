/** Builds the HeyGen client of the configured API version. */
import type { AppConfig } from "../../config";
import { HeygenTransport, type HeygenTransportOptions } from "./transport";
import type { HeygenClient } from "./types";
import { HeygenV2Client } from "./v2";
import { HeygenV3Client } from "./v3";

export function createHeygenClient(
  config: Pick<AppConfig["heygen"], "apiVersion" | "apiBaseUrl" | "uploadBaseUrl">,
  apiKey: string,
  transportOptions: Omit<HeygenTransportOptions, "apiKey"> = {},
): HeygenClient {
  const transport = new HeygenTransport({ apiKey, ...transportOptions });
  return config.apiVersion === "v2"
    ? new HeygenV2Client(transport, config.apiBaseUrl, config.uploadBaseUrl)
    : new HeygenV3Client(transport, config.apiBaseUrl);
}

export * from "./types";
export * from "./errors";
