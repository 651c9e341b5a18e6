/**
 * Wires an HTTPS function to routes that are loaded on the first request, so that a
 * function's cold start pays only for its own modules.
 */
import type { Request } from "firebase-functions/v2/https";
import type { Response } from "express";
import type { Route } from "./router";

type Handler = (req: Request, res: Response) => Promise<void>;

export function lazyHttp(
  name: string,
  basePath: string,
  loadRoutes: () => Promise<Route[]>,
): Handler {
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
