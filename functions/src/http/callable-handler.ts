/**
 * The callable surface: the body of the callable of each operation that has one.
 * The same steps as over HTTPS (./run-operation.ts), reading App Check and the ID token
 * from the same request headers; an ApiError becomes an HttpsError whose details carry
 * the project's code (`{ error: "<CODE>", details?, retryAfterSeconds? }`), so a client
 * can tell CONSENT_REQUIRED from INVALID_REQUEST as it does over HTTPS.
 */
import {
  HttpsError,
  type CallableRequest,
  type FunctionsErrorCode,
} from "firebase-functions/v2/https";
import type { ErrorCode } from "../errors";
import { log, logUserId } from "../logs";
import type { AppContext } from "../context";
import type { OperationEntry } from "../api/operations";
import { runOperation } from "./run-operation";
import { toApiError } from "./https-handler";

const HTTPS_CODE: Record<ErrorCode, FunctionsErrorCode> = {
  UNAUTHENTICATED: "unauthenticated",
  FORBIDDEN: "permission-denied",
  NOT_FOUND: "not-found",
  INVALID_REQUEST: "invalid-argument",
  CONSENT_REQUIRED: "permission-denied",
  HEYGEN_AVATAR_REQUIRED: "failed-precondition",
  UNSUPPORTED_MEDIA: "invalid-argument",
  PAYLOAD_TOO_LARGE: "invalid-argument",
  METHOD_NOT_ALLOWED: "unimplemented",
  CONFLICT: "aborted",
  RATE_LIMITED: "resource-exhausted",
  QUOTA_EXCEEDED: "resource-exhausted",
  UPSTREAM_ERROR: "unavailable",
  INTERNAL: "internal",
};

export interface CallableErrorDetails {
  error: ErrorCode;
  details?: unknown;
  /** RATE_LIMITED and QUOTA_EXCEEDED: what HTTPS sends as `Retry-After`. */
  retryAfterSeconds?: number;
}

export function toHttpsError(err: unknown): HttpsError {
  const api = toApiError(err);
  const details: CallableErrorDetails = { error: api.code };
  if (api.details !== undefined) details.details = api.details;
  const retryAfter = Number(api.headers["Retry-After"]);
  if (Number.isFinite(retryAfter) && retryAfter > 0) details.retryAfterSeconds = retryAfter;
  const message =
    api.code === "INTERNAL"
      ? "Something went wrong on our side; try again in a moment."
      : api.message;
  return new HttpsError(HTTPS_CODE[api.code], message, details);
}

export type CallableHandler = (request: CallableRequest<unknown>) => Promise<unknown>;

/** The body of operation `name`'s callable; `context` is injected so that tests can pass their own. */
export function createCallableHandler(
  name: string,
  entry: OperationEntry,
  context: () => AppContext,
): CallableHandler {
  const fn = `${name}_call`;
  return async (request) => {
    const started = Date.now();
    let uid: string | undefined;
    try {
      const answer = await runOperation({
        name,
        entry,
        app: context(),
        header: (h) => request.rawRequest.get(h),
        // The callable protocol sends `null` for a call without data.
        readInput: async () => request.data ?? {},
        identified: (user) => (uid = user.uid),
      });
      log.info("callable", { fn, user: uid && logUserId(uid), ok: true, ms: Date.now() - started });
      return answer.body;
    } catch (err) {
      const api = toApiError(err);
      const e = toHttpsError(api);
      log[e.code === "internal" ? "error" : "warn"]("callable", {
        fn,
        user: uid && logUserId(uid),
        ok: false,
        code: api.code,
        reason: api.message,
        error: api.cause,
        ms: Date.now() - started,
      });
      throw e;
    }
  };
}
