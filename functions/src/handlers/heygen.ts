/** Thin HTTPS handlers of the talking-video route: validate, authorise, call a service. */
import { route } from "../http/router";
import {
  avatarsResponse,
  generateBody,
  generatePreparingResponse,
  generateRecordedShape,
  generateResponse,
  generateScriptShape,
  videoStatusQuery,
  videoStatusResponse,
  voicesQuery,
  voicesResponse,
} from "./heygen-schemas";

export const generateRoutes = [
  route({
    method: "POST",
    path: "",
    body: generateBody,
    response: {
      status: 200,
      description:
        "The video and the voice it is spoken with (an in-flight video of the project is returned as is)",
      schema: generateResponse,
      alternative: {
        status: 202,
        description:
          "HeyGen is still preparing the new photo look (HEYGEN_LOOK_WAIT_SECONDS passed): the project is `generation.state: preparing` and the video is created in the background; follow the project document",
        schema: generatePreparingResponse,
      },
    },
    doc: {
      summary:
        "Create the project's HeyGen video from its photo (or an avatar id) and exactly one voice source: the recorded voice, or a script spoken by a HeyGen voice",
      requestBody: {
        kind: "oneOf",
        shapes: [
          { title: "Recorded voice", schema: generateRecordedShape },
          { title: "Script and HeyGen voice", schema: generateScriptShape },
        ],
      },
      errors: [400, 401, 403, 404, 409, 413, 415, 429, 500, 502],
    },
    handle: async ({ app, user, body }) => {
      const { generateVideo } = await import("../services/heygen/generate-video");
      const answer = await generateVideo(app, user.uid, body);
      return { status: answer.videoId === null ? 202 : 200, body: answer };
    },
  }),
];

export const videoStatusRoutes = [
  route({
    method: "GET",
    path: "",
    query: videoStatusQuery,
    response: { status: 200, description: "Normalised status", schema: videoStatusResponse },
    doc: { summary: "Refresh and return the caller's video", errors: [400, 401, 404, 429, 502] },
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
    response: { status: 200, description: "Avatars", schema: avatarsResponse },
    doc: {
      summary: "HeyGen's public avatars (cached) and the caller's own looks",
      errors: [401, 429, 502],
    },
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
    response: { status: 200, description: "Voices", schema: voicesResponse },
    doc: {
      summary: "HeyGen voices (cached), filterable by language and gender",
      errors: [401, 429, 502],
    },
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
