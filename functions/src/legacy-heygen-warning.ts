/**
 * HeyGen's legacy v1/v2 endpoints, the ones the seed's flow is written for, were
 * supported until 2026-10-31 and reached End of Life on 1 Nov 2026. A configuration
 * that still points `HEYGEN_API_VERSION=v2` at HeyGen's own API logs one warning per
 * instance, when its configuration is first resolved (its cold start), never per
 * request. v2 against any other host (the local simulator keeps the seed's flow) is
 * not warned about. v3, the default, never is.
 */
import type { AppConfig } from "./config";
import { log } from "./logs";

/** The last day HeyGen supported its legacy v1/v2 API. */
export const HEYGEN_V2_SUNSET = "2026-10-31";

/** Whether a base URL is HeyGen's own service (heygen.com or one of its subdomains). */
export function isHeygenHost(baseUrl: string): boolean {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === "heygen.com" || host.endsWith(".heygen.com");
}

/** The warning this configuration deserves, or null. */
export function legacyHeygenWarning(heygen: AppConfig["heygen"], now: Date): string | null {
  if (heygen.apiVersion !== "v2") return null;
  const hosts = [heygen.apiBaseUrl, heygen.uploadBaseUrl].filter(isHeygenHost);
  if (hosts.length === 0) return null;
  const past = now.toISOString().slice(0, 10) > HEYGEN_V2_SUNSET;
  return (
    `HEYGEN_API_VERSION=v2 points at HeyGen's legacy v1/v2 API (${hosts.join(", ")}), ` +
    (past
      ? `which HeyGen retired after ${HEYGEN_V2_SUNSET}: its endpoints may be gone. `
      : `which HeyGen retires after ${HEYGEN_V2_SUNSET}. `) +
    "Set HEYGEN_API_VERSION=v3 (the default)."
  );
}

/** A warner that logs the warning the first time it is called with a configuration that deserves one. */
export function legacyHeygenWarner(
  clock: () => Date = () => new Date(),
): (config: AppConfig) => boolean {
  let warned = false;
  return (config) => {
    if (warned) return false;
    const message = legacyHeygenWarning(config.heygen, clock());
    if (!message) return false;
    warned = true;
    log.warn(message, { heygenApiVersion: "v2", sunset: HEYGEN_V2_SUNSET });
    return true;
  };
}
