/** Builds the provider adapter PROVIDER names (base URL and key are parameters). */
import type { AppConfig } from "../../config";
import { AvatarSdkProvider } from "./avatar-sdk";
import { In3dProvider } from "./in3d";
import { ProviderError, type PhotorealProvider } from "./types";

/** A provider this version does not implement: every call ends the job with a clear error. */
class UnavailableProvider implements PhotorealProvider {
  constructor(readonly name: AppConfig["provider"]["name"]) {}
  private fail(): never {
    throw new ProviderError(
      "unsupported",
      `The ${this.name} provider is not available in this version; the operator must set PROVIDER=avatar-sdk.`,
    );
  }
  async submit(): Promise<never> {
    this.fail();
  }
  async status(): Promise<never> {
    this.fail();
  }
  async download(): Promise<never> {
    this.fail();
  }
}

export const DEFAULT_BASE_URLS = {
  "avatar-sdk": "https://api.avatarsdk.com",
  didimo: "https://api.didimo.co",
  in3d: "https://api.developer.in3d.io",
} as const;

export function createProvider(config: AppConfig["provider"], apiKey: string): PhotorealProvider {
  const base = config.baseUrl ?? DEFAULT_BASE_URLS[config.name];
  if (config.name === "avatar-sdk") return new AvatarSdkProvider(base, apiKey);
  if (config.name === "in3d") return new In3dProvider(base, apiKey);
  return new UnavailableProvider(config.name);
}

export * from "./types";
