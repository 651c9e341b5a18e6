/**
 * Typed HeyGen errors a caller can branch on. HeyGen reports errors in several
 * shapes (its legacy Errors reference, its v3 Error Codes page and error bodies users
 * quote on its docs forum): the `code` may be a number (400140, 40001) or a string
 * (avatar_not_found, photar_not_found, insufficient_credit), and HTTP 400 is used for
 * not-found avatars on legacy.
 */
export type HeygenErrorKind =
  | "not_found"
  | "not_ready"
  | "quota"
  | "rate_limited"
  | "invalid_input"
  | "unauthorized"
  | "conflict"
  | "upstream";

export interface HeygenErrorInit {
  status?: number;
  code?: string | number;
  requestId?: string;
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class HeygenError extends Error {
  readonly kind: HeygenErrorKind;
  readonly status?: number;
  readonly code?: string | number;
  readonly requestId?: string;
  readonly retryAfterSeconds?: number;

  constructor(kind: HeygenErrorKind, message: string, init: HeygenErrorInit = {}) {
    super(message, { cause: init.cause });
    this.name = "HeygenError";
    this.kind = kind;
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

const NOT_FOUND_CODES = new Set([
  "avatar_not_found",
  "not_found",
  "resource_not_found",
  "video_not_found",
  "voice_not_found",
  "asset_not_found",
  "400144",
  "400116",
  "40031",
]);
const NOT_READY_CODES = new Set([
  "photar_not_found",
  "400174",
  "resource_not_ready",
  "asset_not_available",
  "request_in_progress",
]);
const QUOTA_CODES = new Set([
  "trial_video_limit_exceeded",
  "400664",
  "400140",
  "insufficient_credit",
  "trial_limit_exceeded",
  "subscription_required",
  "plan_upgrade_required",
  "quota_exceeded",
  "movio_payment_insufficient_credit",
  "400599",
]);
const AUTH_CODES = new Set(["unauthorized", "40009", "400112", "insufficient_api_key_scope"]);

/** Maps an HTTP status and HeyGen's code to the kind of failure. */
export function classifyHeygenError(
  status: number | undefined,
  code: string | number | undefined,
): HeygenErrorKind {
  const c = code === undefined ? "" : String(code).toLowerCase();
  if (NOT_READY_CODES.has(c)) return "not_ready";
  if (QUOTA_CODES.has(c)) return "quota";
  if (NOT_FOUND_CODES.has(c)) return "not_found";
  if (AUTH_CODES.has(c)) return "unauthorized";
  if (c === "rate_limit_exceeded" || status === 429) return "rate_limited";
  if (status === 402) return "quota";
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status !== undefined && status >= 400 && status < 500) return "invalid_input";
  return "upstream";
}
