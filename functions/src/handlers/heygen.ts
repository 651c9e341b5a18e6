/** The talking-video operations (api/operations.ts): validate, authorise, call a service. */
import { z } from "zod";
import { defineOperation } from "../api/operation";
import type { VoiceSummary } from "../clients/heygen";
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

export const generate = defineOperation({
  input: generateBody,
  responses: [
    {
      status: 200,
      description:
        "The video and the voice it is spoken with (an in-flight video of the project is returned as is)",
      schema: generateResponse,
    },
    {
      status: 202,
      description:
        "HeyGen is still preparing the new photo look (HEYGEN_LOOK_WAIT_SECONDS passed): the project is `generation.state: preparing` and the video is created in the background; follow the project document",
      schema: generatePreparingResponse,
    },
  ],
  statusOf: (answer) => (answer.videoId === null ? 202 : 200),
  doc: {
    requestBody: {
      kind: "oneOf",
      shapes: [
        { title: "Recorded voice", schema: generateRecordedShape },
        { title: "Script and HeyGen voice", schema: generateScriptShape },
      ],
    },
    errors: [400, 401, 403, 404, 409, 413, 415, 429, 500, 502],
  },
  run: async ({ app }, user, input) => {
    const { generateVideo } = await import("../services/heygen/generate-video");
    return generateVideo(app, user.uid, input);
  },
});

export const videoStatus = defineOperation({
  input: videoStatusQuery,
  responses: [{ status: 200, description: "Normalised status", schema: videoStatusResponse }],
  doc: { errors: [400, 401, 404, 429, 502] },
  run: async ({ app }, user, input) => {
    const { refreshVideoStatus } = await import("../services/heygen/video-status");
    return refreshVideoStatus(app, user.uid, input.video_id);
  },
});

export const avatars = defineOperation({
  input: z.object({}).strict(),
  responses: [{ status: 200, description: "Avatars", schema: avatarsResponse }],
  doc: { errors: [400, 401, 429, 502] },
  run: async ({ app, setHeader }, user) => {
    const { avatarsFor } = await import("../services/heygen/listings");
    const { items, cached } = await avatarsFor(app, user.uid);
    setHeader("X-Cache", cached ? "HIT" : "MISS");
    // Per-user content (the caller's own looks): a shared cache must not keep it.
    setHeader("Cache-Control", "private, no-store");
    return { avatars: items };
  },
});

/** Filtered from the cached listing: a filter never costs a HeyGen call. */
export const voices = defineOperation({
  input: voicesQuery,
  responses: [{ status: 200, description: "Voices", schema: voicesResponse }],
  doc: { errors: [400, 401, 429, 502] },
  run: async ({ app, setHeader }, _user, input) => {
    const { cachedListing, filterVoices } = await import("../services/heygen/listings");
    const { items, cached } = await cachedListing(app, "voices");
    setHeader("X-Cache", cached ? "HIT" : "MISS");
    // The cache holds the voices as the HeyGen client listed them; both surfaces check
    // the answer against the response schema before it is sent.
    return { voices: filterVoices(items as VoiceSummary[], input) };
  },
});
