/**
 * A small router shared by every HTTPS function: CORS, routing by method and path,
 * ID-token verification, zod validation of query and body, the design's error body,
 * and one structured log line per request.
 *
 * A function serves its paths both through the Hosting rewrite (the full path, e.g.
 * `/avatar/jobs/abc`) and at its own URL (`/abc`): routes are declared relative to the
 * function's `basePath`.
 */
import { randomUUID } from "node:crypto";
import type { Request } from "firebase-functions/v2/https";
import type { Response } from "express";
import type { z } from "zod";
import { ApiError, type ErrorBody } from "../errors";
import { log, logUserId } from "../logs";
import type { AppContext } from "../context";
import { applyCors } from "./cors";
import { authenticate, type AuthedUser } from "./auth";
import { parseInput, zodIssues } from "./validate";
import type { RouteDoc, RouteResponse } from "./route-doc";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export interface HttpResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext<B, Q, U extends AuthedUser | null> {
  req: Request;
  res: Response;
  app: AppContext;
  user: U;
  body: B;
  query: Q;
  params: Record<string, string>;
  requestId: string;
}

type AnySchema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<
  BS extends AnySchema | undefined,
  QS extends AnySchema | undefined,
  A extends boolean,
> {
  method: Method;
  /** Relative to the function's basePath: "" or "/:jobId". */
  path: string;
  /** true (default): a verified Firebase user is required. */
  auth?: A;
  body?: BS;
  query?: QS;
  /** Set when the handler reads the raw body itself (multipart, signed webhooks). */
  rawBody?: boolean;
  /** The success answer; its schema is checked before the body is sent. */
  response: RouteResponse;
  doc: RouteDoc;
  handle: (
    ctx: RouteContext<Out<BS>, Out<QS>, A extends false ? null : AuthedUser>,
  ) => Promise<HttpResult | void>;
}

export interface Route {
  method: Method;
  path: string;
  auth: boolean;
  body?: AnySchema;
  query?: AnySchema;
  response: RouteResponse;
  doc: RouteDoc;
  handle: (ctx: RouteContext<unknown, unknown, AuthedUser | null>) => Promise<HttpResult | void>;
}

export function route<
  BS extends AnySchema | undefined = undefined,
  QS extends AnySchema | undefined = undefined,
  A extends boolean = true,
>(spec: RouteSpec<BS, QS, A>): Route {
  return {
    method: spec.method,
    path: spec.path,
    auth: spec.auth !== false,
    body: spec.body,
    query: spec.query,
    response: spec.response,
    doc: spec.doc,
    handle: spec.handle as Route["handle"],
  };
}

/** Matches `/a/:id` against `/a/xyz`; returns the params or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const split = (p: string) => p.split("/").filter(Boolean);
  const want = split(pattern);
  const got = split(path);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(":")) {
      try {
        params[want[i].slice(1)] = decodeURIComponent(got[i]);
      } catch {
        return null;
      }
    } else if (want[i] !== got[i]) {
      return null;
    }
  }
  return params;
}

export function relativePath(basePath: string, path: string): string {
  const base = basePath.replace(/\/+$/, "");
  if (base && (path === base || path.startsWith(base + "/"))) return path.slice(base.length) || "/";
  return path || "/";
}

export interface HttpFunctionOptions {
  name: string;
  basePath: string;
  routes: Route[];
  /** Builds the app context; injected so tests can pass their own. */
  context: () => AppContext;
}

function sendError(res: Response, err: ApiError, requestId: string): void {
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  res.setHeader("X-Request-Id", requestId);
  const body: ErrorBody = err.toBody();
  res.status(err.status).json(body);
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError("INTERNAL", "Something went wrong on our side; try again in a moment.", {
    cause: err,
  });
}

/**
 * The success body must match the route's response schema as the client receives it
 * (after JSON), else the request fails with 500 and the mismatch is logged: the
 * documented contract and the code cannot drift apart silently.
 */
export function checkResponse(r: Route, body: unknown, status: number = r.response.status): void {
  const declared = [r.response, r.response.alternative].find((a) => a?.status === status);
  if (!declared) return; // a status the route does not declare a body for (none today)
  const wire: unknown = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  const parsed = declared.schema.safeParse(wire);
  if (parsed.success) return;
  const issues = zodIssues(parsed.error)
    .map((i) => `${i.path || "(body)"}: ${i.message}`)
    .join("; ");
  throw new ApiError("INTERNAL", "Something went wrong on our side; try again in a moment.", {
    cause: new Error(
      `${r.method} ${r.path || "/"}: the response does not match its schema (${issues})`,
    ),
  });
}

export function createHttpFunction(opts: HttpFunctionOptions) {
  return async (req: Request, res: Response): Promise<void> => {
    const started = Date.now();
    const requestId = randomUUID();
    let uid: string | undefined;
    let status = 500;
    try {
      const app = opts.context();
      if (applyCors(req, res, app.config.corsOrigins)) {
        status = 200;
        return;
      }
      const rel = relativePath(opts.basePath, req.path);
      const candidates = opts.routes
        .map((r) => ({ r, params: matchPath(r.path, rel) }))
        .filter((c) => c.params !== null);
      if (candidates.length === 0) {
        throw new ApiError("NOT_FOUND", `No endpoint at ${req.path}.`);
      }
      const hit = candidates.find((c) => c.r.method === req.method);
      if (!hit) {
        const allow = candidates.map((c) => c.r.method).join(", ");
        throw new ApiError("METHOD_NOT_ALLOWED", `Use ${allow} for ${req.path}.`, {
          headers: { Allow: allow },
        });
      }
      const user = hit.r.auth ? await authenticate(app.auth, req.headers.authorization) : null;
      uid = user?.uid;
      const query = hit.r.query ? parseInput(hit.r.query, req.query, "query string") : undefined;
      const body = hit.r.body ? parseInput(hit.r.body, req.body ?? {}, "request body") : undefined;
      const result = await hit.r.handle({
        req,
        res,
        app,
        user,
        body,
        query,
        params: hit.params ?? {},
        requestId,
      });
      if (result) {
        const answer = result.status ?? hit.r.response.status;
        // Before any header is set: a body that fails its schema is answered as an error only.
        checkResponse(hit.r, result.body, answer);
        status = answer;
        for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
        res.setHeader("X-Request-Id", requestId);
        if (result.body === undefined) res.status(status).end();
        else res.status(status).json(result.body);
      } else {
        status = res.statusCode;
      }
    } catch (err) {
      const apiErr = toApiError(err);
      status = apiErr.status;
      if (status >= 500) {
        log.error(`${opts.name}: ${apiErr.message}`, {
          requestId,
          user: uid === undefined ? undefined : logUserId(uid),
          error: apiErr.cause ?? apiErr,
          stack: (apiErr.cause as Error | undefined)?.stack,
        });
      }
      if (!res.headersSent) sendError(res, apiErr, requestId);
      else res.end();
    } finally {
      log.info(`${opts.name} ${req.method} ${req.path} ${status}`, {
        requestId,
        user: uid === undefined ? undefined : logUserId(uid),
        status,
        ms: Date.now() - started,
      });
    }
  };
}
