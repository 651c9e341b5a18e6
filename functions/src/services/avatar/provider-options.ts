/**
 * What the photoreal options (`blendshapes`, `realism`, `bodyType`) mean at each
 * provider (as each provider's API reference says), checked when the job is created so
 * that an option a provider cannot honour is a clear 400 naming the field and the values
 * it accepts, before the selfie is stored or sent:
 * - Avatar SDK: `blendshapes` picks the export's morph-target sets (arkit: `mobile_51` +
 *   `visemes_15`; basic: `visemes_15`), `realism` the texture profile and LOD (high:
 *   2K textures, LOD1; standard: 1K, LOD2), `bodyType` the `pipeline_subtype`.
 * - Didimo: `blendshapes` picks the pose sets requested (arkit: `arkit` + `oculus_lipsync`;
 *   basic: `oculus_lipsync` + `simple_poses`), `realism` the `profile` (high: standard;
 *   standard: optimized). Its head-only avatars take no body type.
 * - in3D: the user's own scan decides everything; only what it delivers is accepted.
 */
import type { AppContext } from "../../context";
import type { ProviderName } from "../../config";
import { ApiError } from "../../errors";
import type { AvatarJob } from "../../store/avatar-jobs";
import { latestBodyTypePreference } from "../../store/preferences";

type JobOptions = AvatarJob["options"];

interface OptionSupport {
  blendshapes: readonly JobOptions["blendshapes"][];
  realism: readonly JobOptions["realism"][];
  /** Whether a body type is asked for (Avatar SDK's subtype). */
  bodyType: boolean;
}

export const PROVIDER_OPTIONS: Record<ProviderName, OptionSupport> = {
  "avatar-sdk": { blendshapes: ["arkit", "basic"], realism: ["standard", "high"], bodyType: true },
  didimo: { blendshapes: ["arkit", "basic"], realism: ["standard", "high"], bodyType: false },
  in3d: { blendshapes: ["arkit"], realism: ["high"], bodyType: false },
};

/** The body type when neither the request nor the user's preferences give one. */
export const DEFAULT_BODY_TYPE = "female" as const;

function refuse(provider: ProviderName, field: string, accepted: readonly string[], why: string) {
  return new ApiError(
    "INVALID_REQUEST",
    `options.${field}: ${why} Accepted with PROVIDER=${provider}: ${accepted.length ? accepted.join(", ") : "leave it out"}.`,
    { details: { field: `options.${field}`, provider, accepted } },
  );
}

/**
 * The options as the provider will use them: refused (400) where the provider cannot
 * honour them; the Avatar SDK body type filled in from the user's preferences or the default.
 */
export async function optionsForProvider(
  app: AppContext,
  uid: string,
  options: JobOptions,
): Promise<JobOptions> {
  const provider = app.config.provider.name;
  const support = PROVIDER_OPTIONS[provider];
  // The defaults (arkit, high) are what every provider delivers: only other values are refused.
  if (!support.blendshapes.includes(options.blendshapes)) {
    throw refuse(
      provider,
      "blendshapes",
      support.blendshapes,
      "this provider cannot vary its blendshapes.",
    );
  }
  if (!support.realism.includes(options.realism)) {
    throw refuse(
      provider,
      "realism",
      support.realism,
      "this provider has no such quality setting.",
    );
  }
  if (!support.bodyType) {
    if (options.bodyType !== undefined)
      throw refuse(provider, "bodyType", [], "this provider takes no body type.");
    return options;
  }
  const bodyType =
    options.bodyType ?? (await latestBodyTypePreference(app.db, uid)) ?? DEFAULT_BODY_TYPE;
  return { ...options, bodyType };
}
