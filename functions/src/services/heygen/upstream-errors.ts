/** Maps HeyGen failures to the design's error body, with a message the user can act on. */
import { ApiError } from "../../errors";
import { HeygenError } from "../../clients/heygen/errors";

export function heygenToApiError(err: unknown, step: string): ApiError {
  if (err instanceof ApiError) return err;
  if (!(err instanceof HeygenError)) {
    return new ApiError("INTERNAL", `${step} failed on our side; try again in a moment.`, {
      cause: err,
    });
  }
  const ref = err.requestId ? ` (HeyGen request ${err.requestId})` : "";
  switch (err.kind) {
    case "rate_limited":
      return new ApiError("RATE_LIMITED", `HeyGen is busy (${step}); try again in a minute.`, {
        cause: err,
        headers:
          err.retryAfterSeconds !== undefined
            ? { "Retry-After": String(Math.ceil(err.retryAfterSeconds)) }
            : {},
      });
    case "quota":
      return new ApiError(
        "RATE_LIMITED",
        `HeyGen refused ${step}: the account's credits or daily video limit are used up (${err.message}). Try again later or top up HeyGen credits.`,
        { cause: err, details: { heygenCode: err.code } },
      );
    case "invalid_input":
    case "not_found":
      return new ApiError("INVALID_REQUEST", `HeyGen refused ${step}: ${err.message}${ref}.`, {
        cause: err,
        details: { heygenCode: err.code },
      });
    case "unauthorized":
      return new ApiError(
        "UPSTREAM_ERROR",
        `HeyGen rejected this backend's API key during ${step}; the operator must fix HEYGEN_API_KEY.`,
        {
          cause: err,
        },
      );
    default:
      return new ApiError(
        "UPSTREAM_ERROR",
        `HeyGen failed during ${step}: ${err.message}${ref}. Try again in a moment.`,
        {
          cause: err,
          details: { heygenCode: err.code },
        },
      );
  }
}
