/**
 * Wires an HTTPS function of the route registry (./endpoints.ts) to its routes, loaded
 * on the first request, so that a function's cold start pays only for its own modules.
 */
import type { Request } from "firebase-functions/v2/https";
import type { Response } from "express";
import { HTTP_ENDPOINTS, type HttpFunctionName } from "./endpoints";

type Handler = (req: Request, res: Response) => Promise<void>;

export function lazyHttp(name: HttpFunctionName): Handler {
  const { basePath, routes: loadRoutes } = HTTP_ENDPOINTS[name];
  let handler: Promise<Handler> | null = null;
  const build = async (): Promise<Handler> => {
    const [{ createHttpFunction }, { getAppContext }, routes] = await Promise.all([
      import("./router"),
      import("../context"),
      loadRoutes(),
    ]);
    return createHttpFunction({ name, basePath, routes, context: getAppContext });
  };
  return async (req, res) => {
    handler ??= build().catch((err: unknown) => {
      handler = null; // a failed load is retried on the next request
      throw err;
    });
    await (
      await handler
    )(req, res);
  };
}
