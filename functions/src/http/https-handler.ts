/**
 * The HTTPS surface: one request handler per HTTPS function of the table. CORS (the
 * methods its operations use), routing by method and path, then the operation's steps
 * (./run-operation.ts); the design's error body `{error, message, details?}` on
 * failure, and one structured log line per request.
 */
import { randomUUID } from "node:crypto";
import type { Request } from "firebase-functions/v2/https";
import type { Response } from "express";
import { ApiError, type ErrorBody } from "../errors";
import { log, logUserId } from "../logs";
import type { AppContext } from "../context";
import { allowedMethods, applyCors } from "./cors";
import { findRoute, type FunctionRoutes } from "./router";
import { readHttpInput } from "./http-input";
import { runOperation } from "./run-operation";

export type HttpsHandler = (req: Request, res: Response) => Promise<void>;

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError("INTERNAL", "Something went wrong on our side; try again in a moment.", {
    cause: err,
  });
}

function sendError(res: Response, err: ApiError, requestId: string): void {
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  res.setHeader("X-Request-Id", requestId);
  const body: ErrorBody = err.toBody();
  res.status(err.status).json(body);
}

/** The handler of HTTPS function `fn` serving `table` (routesOf); `context` is injected for tests. */
export function createHttpsHandler(
  fn: string,
  table: FunctionRoutes,
  context: () => AppContext,
): HttpsHandler {
  const cors = allowedMethods(table.routes.map((r) => r.entry.method));
  // HeyGen's webhook: server to server, no CORS; HeyGen checks the URL with an OPTIONS
  // request and a one-second timeout, answered at once.
  const signedOnly = table.routes.every((r) => r.entry.auth === "heygen-signature");
  return async (req, res) => {
    const started = Date.now();
    const requestId = randomUUID();
    let uid: string | undefined;
    let status = 500;
    try {
      if (signedOnly && req.method === "OPTIONS") {
        status = 200;
        res.status(200).end();
        return;
      }
      const app = context();
      if (!signedOnly && applyCors(req, res, { origins: app.config.corsOrigins, methods: cors })) {
        status = 200;
        return;
      }
      const { route, params } = findRoute(table, req.method, req.path);
      const answer = await runOperation({
        name: route.name,
        entry: route.entry,
        app,
        header: (name) => req.get(name),
        readInput: (impl) => readHttpInput(req, impl.httpInput, params),
        identified: (user) => (uid = user.uid),
      });
      status = answer.status;
      for (const [k, v] of Object.entries(answer.headers)) res.setHeader(k, v);
      res.setHeader("X-Request-Id", requestId);
      res.status(status).json(answer.body);
    } catch (err) {
      const apiErr = toApiError(err);
      status = apiErr.status;
      if (status >= 500) {
        log.error(`${fn}: ${apiErr.message}`, {
          requestId,
          user: uid === undefined ? undefined : logUserId(uid),
          error: apiErr.cause ?? apiErr,
          stack: (apiErr.cause as Error | undefined)?.stack,
        });
      }
      if (!res.headersSent) sendError(res, apiErr, requestId);
      else res.end();
    } finally {
      log.info(`${fn} ${req.method} ${req.path} ${status}`, {
        requestId,
        user: uid === undefined ? undefined : logUserId(uid),
        status,
        ms: Date.now() - started,
      });
    }
  };
}
