/**
 * The route registry: every HTTPS function, the base path it serves, and where its
 * routes live. index.ts wires each function from it (routes loaded lazily, so a
 * function's cold start pays only for its own modules) and devtools/openapi.ts
 * documents the same routes from it, so a path cannot drift between the two.
 *
 * Light on purpose: index.ts imports it; the routes load on the first request.
 */
import type { Route } from "./router";

export interface HttpEndpoint {
  /** The Hosting path; the function also serves it relative to its own URL. */
  basePath: string;
  routes: () => Promise<Route[]>;
  /** Set when index.ts answers `OPTIONS` itself before the router (HeyGen's URL check). */
  options?: string;
}

export const HTTP_ENDPOINTS = {
  generate: {
    basePath: "/api/heygen/generate",
    routes: async () => (await import("../handlers/heygen")).generateRoutes,
  },
  video_status: {
    basePath: "/api/heygen/video_status.get",
    routes: async () => (await import("../handlers/heygen")).videoStatusRoutes,
  },
  avatars: {
    basePath: "/api/heygen/avatars",
    routes: async () => (await import("../handlers/heygen")).avatarsRoutes,
  },
  voices: {
    basePath: "/api/heygen/voices",
    routes: async () => (await import("../handlers/heygen")).voicesRoutes,
  },
  heygen_webhook: {
    basePath: "/api/heygen/webhook",
    routes: async () => (await import("../handlers/heygen-webhook")).webhookRoutes,
    options: "URL validation by HeyGen (answered 200 at once)",
  },
  projects: {
    basePath: "/api/projects",
    routes: async () => (await import("../handlers/projects")).projectsRoutes,
  },
  avatar_jobs: {
    basePath: "/avatar/jobs",
    routes: async () => (await import("../handlers/avatar")).avatarJobsRoutes,
  },
  avatar_assets: {
    basePath: "/avatar/assets",
    routes: async () => (await import("../handlers/avatar")).avatarAssetsRoutes,
  },
  avatar_preferences: {
    basePath: "/avatar/preferences",
    routes: async () => (await import("../handlers/avatar")).avatarPreferencesRoutes,
  },
  me: {
    basePath: "/api/me",
    routes: async () => (await import("../handlers/me")).meRoutes,
  },
} satisfies Record<string, HttpEndpoint>;

export type HttpFunctionName = keyof typeof HTTP_ENDPOINTS;
