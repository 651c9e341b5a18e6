/** Request and response schemas of the speech timeline operations (the OpenAPI source). */
import { z } from "zod";
import { SCRIPT_MAX_CHARS, scriptChars } from "../services/heygen/speech-limits";
import { SpeechTimelineSchema } from "../services/speech/schema";

/** The id of a timeline: the sha256 of the audio's bytes (lowercase hex). */
const timelineId = z
  .string()
  .regex(/^[0-9a-f]{64}$/, { message: "must be a timeline id (64 lowercase hex characters)" });

/** POST /api/speech/timelines. */
export const computeTimelineBody = z
  .object({
    audio: z
      .string()
      .min(1)
      .max(2048)
      .describe(
        "The recording in the caller's Storage folder: users/{uid}/… (a path, a gs:// URL or a Firebase Storage download URL)",
      ),
    text: z
      .string()
      .trim()
      .min(1)
      .refine((t) => scriptChars(t) <= SCRIPT_MAX_CHARS, {
        message: `must be at most ${SCRIPT_MAX_CHARS} characters`,
      })
      .optional()
      .describe("What was said, when known: the timeline then has words with times"),
  })
  .strict();

/** GET /api/speech/timelines/{timelineId}. */
export const timelineIdParams = z.object({ timelineId }).strict();

/** 200 of POST /api/speech/timelines. */
export const computedTimelineResponse = z.object({
  timelineId,
  timeline: SpeechTimelineSchema,
  cached: z
    .boolean()
    .describe("Answered from the caller's timelines of the same audio: no analysis ran"),
  computeMs: z
    .number()
    .nonnegative()
    .describe("Server time of this request's analysis (decode, analysis, timeline); 0 when cached"),
  audioSeconds: z.number().nonnegative(),
  audioDeleted: z
    .boolean()
    .describe("The recording was deleted now that its timeline exists (no video needs it)"),
});

/** 200 of GET /api/speech/timelines/{timelineId}. */
export const storedTimelineResponse = z.object({ timelineId, timeline: SpeechTimelineSchema });
