/**
 * `onCall` adapter: the same zod validation and the same error codes as the HTTPS
 * router. An ApiError becomes an HttpsError whose details carry the project's code
 * (`{ error: "<CODE>", details? }`), so a client can tell CONSENT_REQUIRED from
 * INVALID_REQUEST as it does over HTTPS. Actions are loaded on the first call.
 */
import {
  HttpsError,
  type CallableRequest,
  type FunctionsErrorCode,
} from "firebase-functions/v2/https";
import type { z } from "zod";
import { ApiError, type ErrorCode } from "../errors";
import { log } from "../logs";
import type { AppContext } from "../context";
import { parseInput } from "./validate";

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

export function toHttpsError(err: unknown): HttpsError {
  const api =
    err instanceof ApiError ? err : new ApiError("INTERNAL", "Something went wrong on our side.");
  const details: { error: ErrorCode; details?: unknown } = { error: api.code };
  if (api.details !== undefined) details.details = api.details;
  return new HttpsError(HTTPS_CODE[api.code], api.message, details);
}

export interface CallableAction<S extends z.ZodType, R> {
  name: string;
  input: S;
  run: (app: AppContext, uid: string, data: z.output<S>) => Promise<R>;
}

/** The body of an `onCall` function: auth, validation, the action, error mapping. */
export function callable<S extends z.ZodType, R>(
  load: () => Promise<CallableAction<S, R>>,
): (request: CallableRequest<unknown>) => Promise<R> {
  return async (request) => {
    const started = Date.now();
    let name = "callable";
    try {
      // App Check (APP_CHECK_ENFORCED, read at run time): a missing token is refused.
      const { params } = await import("../config");
      if (params.APP_CHECK_ENFORCED.value() && !request.app) {
        throw new ApiError("UNAUTHENTICATED", "This app could not be verified (App Check).");
      }
      if (!request.auth) {
        throw new ApiError("UNAUTHENTICATED", "Sign in first (no Firebase ID token).");
      }
      const [action, { getAppContext }] = await Promise.all([load(), import("../context")]);
      name = action.name;
      const data = parseInput(action.input, request.data ?? {}, "request");
      const result = await action.run(getAppContext(), request.auth.uid, data);
      log.info("callable", { fn: name, ok: true, ms: Date.now() - started });
      return result;
    } catch (err) {
      const e = toHttpsError(err);
      const level = e.code === "internal" ? "error" : "warn";
      log[level]("callable", {
        fn: name,
        ok: false,
        code: (e.details as { error: string }).error,
        message: err instanceof Error ? err.message : String(err),
        ms: Date.now() - started,
      });
      throw e;
    }
  };
}
