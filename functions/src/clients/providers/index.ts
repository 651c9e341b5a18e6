/** Builds the provider adapter PROVIDER names (base URL and key are parameters). */
import type { AppConfig } from "../../config";
import { AvatarSdkProvider } from "./avatar-sdk";
import { In3dProvider } from "./in3d";
import { DidimoProvider } from "./didimo";
import type { PhotorealProvider } from "./types";

export const DEFAULT_BASE_URLS = {
  "avatar-sdk": "https://api.avatarsdk.com",
  didimo: "https://api.didimo.co",
  in3d: "https://api.developer.in3d.io",
} as const;

export function createProvider(config: AppConfig["provider"], apiKey: string): PhotorealProvider {
  const base = config.baseUrl ?? DEFAULT_BASE_URLS[config.name];
  const provider =
    config.name === "avatar-sdk"
      ? new AvatarSdkProvider(base, apiKey)
      : config.name === "in3d"
        ? new In3dProvider(base, apiKey)
        : new DidimoProvider(base, apiKey);
  provider.downloadHosts.push(...config.downloadHosts);
  return provider;
}

export * from "./types";
