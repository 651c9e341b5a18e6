/**
 * CORS for the web client. Origins come from the CORS_ORIGINS param; by default the
 * project's Hosting domains and localhost (any port) are allowed. Requests carry a
 * bearer token, never cookies, so credentials are not allowed. The methods a function
 * allows are those of its operations in the table (api/operations.ts).
 */
import type { Request } from "firebase-functions/v2/https";
import type { Response } from "express";

/** The ID token, JSON bodies, the client's request id and the App Check token. */
export const ALLOWED_HEADERS = "Authorization, Content-Type, X-Request-Id, X-Firebase-AppCheck";

/** `GET, DELETE` → `GET, DELETE, OPTIONS`: each method once, in the order given. */
export function allowedMethods(methods: readonly string[]): string {
  return [...new Set([...methods, "OPTIONS"])].join(", ");
}

export function isOriginAllowed(origin: string, allowed: readonly string[]): boolean {
  if (allowed.includes("*")) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  return allowed.some((entry) => {
    if (entry === origin) return true;
    // Entries without a port (http://localhost) allow every port of that host.
    try {
      const e = new URL(entry);
      return !e.port && e.protocol === parsed.protocol && e.hostname === parsed.hostname;
    } catch {
      return false;
    }
  });
}

/** Sets the CORS headers; returns true when the request was a preflight that is now answered. */
export function applyCors(
  req: Request,
  res: Response,
  cors: { origins: readonly string[]; methods: string },
): boolean {
  const origin = req.headers.origin;
  res.setHeader("Vary", "Origin");
  if (typeof origin === "string" && isOriginAllowed(origin, cors.origins)) {
    res.setHeader("Access-Control-Allow-Origin", cors.origins.includes("*") ? "*" : origin);
    res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    res.setHeader("Access-Control-Allow-Methods", cors.methods);
    res.setHeader("Access-Control-Max-Age", "3600");
  }
  if (req.method === "OPTIONS") {
    res.status(200).end();
    return true;
  }
  return false;
}
