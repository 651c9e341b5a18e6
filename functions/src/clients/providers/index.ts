/** Builds the provider adapter PROVIDER names (base URL and key are parameters). */
import type { AppConfig } from "../../config";
import { AvatarSdkProvider } from "./avatar-sdk";
import { ProviderError, type PhotorealProvider } from "./types";

export const DEFAULT_BASE_URLS = {
  "avatar-sdk": "https://api.avatarsdk.com",
  didimo: "https://api.didimo.co",
  in3d: "https://api.developer.in3d.io",
} as const;

export function createProvider(config: AppConfig["provider"], apiKey: string): PhotorealProvider {
  const base = config.baseUrl ?? DEFAULT_BASE_URLS[config.name];
  if (config.name === "avatar-sdk") return new AvatarSdkProvider(base, apiKey);
  throw new ProviderError(
    "unauthorized",
    `The ${config.name} provider is not available in this version; use avatar-sdk.`,
  );
}

export * from "./types";
