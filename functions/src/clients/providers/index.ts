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
  if (config.name === "avatar-sdk") return new AvatarSdkProvider(base, apiKey);
  if (config.name === "in3d") return new In3dProvider(base, apiKey);
  return new DidimoProvider(base, apiKey);
}

export * from "./types";
