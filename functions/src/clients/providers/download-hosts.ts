/**
 * Where each provider's files may be downloaded from (and redirected to): its API host
 * (the configured base URL's host: the local simulators too), the hosts its docs name,
 * and PROVIDER_DOWNLOAD_HOSTS. The storage hosts of Didimo's package links and in3D's
 * result links are not documented by either provider: an operator who sees
 * "not an allowed download host" in a job's error adds that host there.
 */
import type { ProviderName } from "../../config";

export const BUILTIN_DOWNLOAD_HOSTS: Record<ProviderName, readonly string[]> = {
  // Export files are served by the API itself, with the Bearer token (Avatar SDK's
  // official JavaScript sample, avatarsdk/samples-js, downloads them that way).
  "avatar-sdk": ["api.avatarsdk.com"],
  didimo: ["*.didimo.co"],
  in3d: ["*.in3d.io"],
};

export function providerDownloadHosts(
  name: ProviderName,
  baseUrl: string,
  extra: readonly string[] = [],
): string[] {
  return [new URL(baseUrl).host, ...BUILTIN_DOWNLOAD_HOSTS[name], ...extra];
}
