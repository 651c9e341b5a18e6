/** One interface over the photoreal providers (Avatar SDK, Didimo, in3D); PROVIDER picks one. */
import type { ProviderName } from "../../config";

export type ProviderErrorKind =
  | "unauthorized"
  | "quota"
  | "rejected"
  | "not_found"
  | "rate_limited"
  | "upstream"
  | "unsupported"
  /** The model or its package is past MAX_MODEL_BYTES. */
  | "too_large";

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ProviderError";
  }
  get transient(): boolean {
    return this.kind === "rate_limited" || this.kind === "upstream";
  }
}

export interface ProviderSubmission {
  providerJobId: string;
  /** When the provider needs the user (in3D's scanner), what to show them. */
  action?: { type: "open_url"; url: string; message: string };
}

export interface ProviderStatus {
  state: "processing" | "waiting_for_user" | "done" | "error";
  /** 0..1 */
  progress: number;
  error?: string;
}

export interface DownloadedModel {
  /** Local path of a GLB file. */
  glbPath: string;
}

export interface PhotorealProvider {
  readonly name: ProviderName;
  submit(input: {
    jobId: string;
    selfiePath: string;
    contentType: string;
    /** What the job's options ask for (services/avatar/provider-options.ts says which apply). */
    blendshapes: "arkit" | "basic";
    realism: "standard" | "high";
    bodyType?: "female" | "male";
  }): Promise<ProviderSubmission>;
  status(providerJobId: string): Promise<ProviderStatus>;
  /** Downloads the finished model into `dir` and returns the GLB's path. */
  download(providerJobId: string, dir: string): Promise<DownloadedModel>;
  /**
   * Deletes the avatar (made from the user's selfie) at the provider: "deleted" (also
   * when it was already gone), or "not_deletable" when the provider documents no
   * delete. Other failures throw a ProviderError.
   */
  deleteAvatar(providerJobId: string): Promise<DeleteOutcome>;
}

export type DeleteOutcome = "deleted" | "not_deletable";

/** A 404 on a delete means the object is already gone. */
export async function deletedUnlessMissing(run: () => Promise<unknown>): Promise<DeleteOutcome> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof ProviderError && err.kind === "not_found")) throw err;
  }
  return "deleted";
}

/** Maps a provider's HTTP status to an error kind. */
export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 402) return "quota";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "upstream";
  return "rejected";
}
