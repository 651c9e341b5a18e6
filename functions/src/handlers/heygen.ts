/** Thin HTTPS handlers of the talking-video route: validate, authorise, call a service. */
import { route } from "../http/router";
import { generateBody, videoStatusQuery, voicesQuery } from "./heygen-schemas";

export const generateRoutes = [
  route({
    method: "POST",
    path: "",
    body: generateBody,
    handle: async ({ app, user, body }) => {
      const { generateVideo } = await import("../services/heygen/generate-video");
      return { body: await generateVideo(app, user.uid, body) };
    },
  }),
];

export const videoStatusRoutes = [
  route({
    method: "GET",
    path: "",
    query: videoStatusQuery,
    handle: async ({ app, user, query }) => {
      const { refreshVideoStatus } = await import("../services/heygen/video-status");
      return { body: await refreshVideoStatus(app, user.uid, query.video_id) };
    },
  }),
];

export const avatarsRoutes = [
  route({
    method: "GET",
    path: "",
    handle: async ({ app, user }) => {
      const { avatarsFor } = await import("../services/heygen/listings");
      const { items, cached } = await avatarsFor(app, user.uid);
      // Per-user content (the caller's own looks): a shared cache must not keep it.
      return {
        body: { avatars: items },
        headers: { "X-Cache": cached ? "HIT" : "MISS", "Cache-Control": "private, no-store" },
      };
    },
  }),
];

/** Filtered from the cached listing: a filter never costs a HeyGen call. */
export const voicesRoutes = [
  route({
    method: "GET",
    path: "",
    query: voicesQuery,
    handle: async ({ app, query }) => {
      const { cachedListing, filterVoices } = await import("../services/heygen/listings");
      const { items, cached } = await cachedListing(app, "voices");
      return {
        body: { voices: filterVoices(items, query) },
        headers: { "X-Cache": cached ? "HIT" : "MISS" },
      };
    },
  }),
];
