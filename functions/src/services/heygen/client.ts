/** The HeyGen client of this instance (config and secret read at run time, memoised). */
import { secrets } from "../../config";
import type { AppContext } from "../../context";
import { createHeygenClient, type HeygenClient } from "../../clients/heygen";

let memo: { key: string; client: HeygenClient } | null = null;

export function heygenClientFor(app: AppContext): HeygenClient {
  const apiKey = secrets.heygenApiKey();
  const cacheKey = `${app.config.heygen.apiVersion}|${app.config.heygen.apiBaseUrl}|${apiKey.length}`;
  if (memo?.key !== cacheKey)
    memo = { key: cacheKey, client: createHeygenClient(app.config.heygen, apiKey) };
  return memo.client;
}
