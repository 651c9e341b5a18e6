/**
 * Routing of an HTTPS function to its operations (api/operations.ts). A function serves
 * its paths both through the Hosting rewrite (the full path, e.g. `/avatar/jobs/abc`)
 * and at its own URL (`/abc`): paths are matched relative to the function's base path,
 * the part all its operations' paths share.
 */
import { ApiError } from "../errors";
import { operationList, type HttpsFunctionName, type OperationEntry } from "../api/operations";

export interface FunctionRoute {
  /** The operation's name in the table. */
  name: string;
  entry: OperationEntry;
  /** The path relative to the function's base path: "" or "/:jobId". */
  path: string;
}

export interface FunctionRoutes {
  basePath: string;
  routes: FunctionRoute[];
}

const segments = (p: string) => p.split("/").filter(Boolean);

/** The leading segments all paths share, up to the first path parameter. */
export function basePathOf(paths: readonly string[]): string {
  const [first = [], ...rest] = paths.map(segments);
  const shared: string[] = [];
  for (const [i, seg] of first.entries()) {
    if (seg.startsWith(":") || rest.some((p) => p[i] !== seg)) break;
    shared.push(seg);
  }
  return "/" + shared.join("/");
}

export function relativePath(basePath: string, path: string): string {
  const base = basePath.replace(/\/+$/, "");
  if (base && (path === base || path.startsWith(base + "/"))) return path.slice(base.length) || "/";
  return path || "/";
}

/** The operations an HTTPS function serves, in table order, with their relative paths. */
export function routesOf(fn: HttpsFunctionName): FunctionRoutes {
  const mine = operationList().filter(([, entry]) => entry.https === fn);
  const basePath = basePathOf(mine.map(([, entry]) => entry.path));
  return {
    basePath,
    routes: mine.map(([name, entry]) => ({
      name,
      entry,
      path: relativePath(basePath, entry.path).replace(/^\/$/, ""),
    })),
  };
}

/** Matches `/a/:id` against `/a/xyz`; returns the params or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = segments(pattern);
  const got = segments(path);
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

/** The operation at this method and path: 404 when no path matches, 405 (with Allow) when no method does. */
export function findRoute(
  fn: FunctionRoutes,
  method: string,
  path: string,
): { route: FunctionRoute; params: Record<string, string> } {
  const rel = relativePath(fn.basePath, path);
  const candidates = fn.routes.flatMap((route) => {
    const params = matchPath(route.path, rel);
    return params ? [{ route, params }] : [];
  });
  if (candidates.length === 0) throw new ApiError("NOT_FOUND", `No endpoint at ${path}.`);
  const hit = candidates.find((c) => c.route.entry.method === method);
  if (!hit) {
    const allow = candidates
      .map((c) => c.route.entry.method)
      .sort()
      .join(", ");
    throw new ApiError("METHOD_NOT_ALLOWED", `Use ${allow} for ${path}.`, {
      headers: { Allow: allow },
    });
  }
  return hit;
}
