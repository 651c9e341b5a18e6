/**
 * The speech timeline operations (api/operations.ts): compute (or answer from the
 * caller's cache) the timeline of a recording in their Storage folder, and read one
 * back. Consent to `speech_timeline` is checked before the input is read.
 */
import { defineOperation } from "../api/operation";
import {
  computeTimelineBody,
  computedTimelineResponse,
  storedTimelineResponse,
  timelineIdParams,
} from "./speech-schemas";

export const computeSpeechTimeline = defineOperation({
  input: computeTimelineBody,
  responses: [{ status: 200, description: "The timeline", schema: computedTimelineResponse }],
  doc: { errors: [400, 401, 403, 404, 413, 415] },
  run: async ({ app }, user, { audio, text }) => {
    const { timelineOfUpload } = await import("../services/speech/stored-timeline");
    const { id, ...rest } = await timelineOfUpload(app, user.uid, { audio, text });
    return { timelineId: id, ...rest };
  },
});

export const speechTimeline = defineOperation({
  input: timelineIdParams,
  responses: [{ status: 200, description: "The timeline", schema: storedTimelineResponse }],
  doc: { errors: [400, 401, 404] },
  run: async ({ app, setHeader }, user, { timelineId }) => {
    const { storedTimeline } = await import("../services/speech/stored-timeline");
    setHeader("Cache-Control", "private, no-store");
    const { id, timeline } = await storedTimeline(app, user.uid, timelineId);
    return { timelineId: id, timeline };
  },
});
