/**
 * The HeyGen client of this instance (config and secret read at run time, memoised).
 * `version` reads a stored video with the API it was created with (the project's
 * `heygenApiVersion`), so a change of HEYGEN_API_VERSION never reads old videos with
 * the other API; without it, the configured version.
 */
import { secrets } from "../../config";
import type { AppContext } from "../../context";
import { createHeygenClient, type HeygenClient } from "../../clients/heygen";

const memo = new Map<"v2" | "v3", { key: string; client: HeygenClient }>();

export function heygenClientFor(app: AppContext, version?: "v2" | "v3" | null): HeygenClient {
  const apiKey = secrets.heygenApiKey();
  const apiVersion = version ?? app.config.heygen.apiVersion;
  const { apiBaseUrl, uploadBaseUrl } = app.config.heygen;
  const cacheKey = `${apiBaseUrl}|${uploadBaseUrl}|${apiKey.length}`;
  const hit = memo.get(apiVersion);
  if (hit?.key === cacheKey) return hit.client;
  const client = createHeygenClient({ apiVersion, apiBaseUrl, uploadBaseUrl }, apiKey);
  memo.set(apiVersion, { key: cacheKey, client });
  return client;
}
