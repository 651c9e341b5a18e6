/** Thin HTTPS handlers of the talking-video route: validate, authorise, call a service. */
import { route } from "../http/router";
import { generateBody, videoStatusQuery } from "./heygen-schemas";

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

const listing = (kind: "avatars" | "voices") => [
  route({
    method: "GET",
    path: "",
    handle: async ({ app, user }) => {
      const { avatarsFor, cachedListing } = await import("../services/heygen/listings");
      const { items, cached } =
        kind === "avatars" ? await avatarsFor(app, user.uid) : await cachedListing(app, kind);
      // Per-user content: a shared cache must not keep it.
      return {
        body: { [kind]: items },
        headers: { "X-Cache": cached ? "HIT" : "MISS", "Cache-Control": "private, no-store" },
      };
    },
  }),
];

export const avatarsRoutes = listing("avatars");
export const voicesRoutes = listing("voices");
