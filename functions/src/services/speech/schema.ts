/**
 * The stored speech timeline of one voice: when someone speaks, which mouth shape
 * when (Oculus visemes and the seed's groups), and, when the text is known, which word
 * when. Times are seconds from the start of the audio, rounded to the millisecond;
 * segments of one list are sorted and never overlap.
 */
import { z } from "zod";
import { VISEMES, VISEME_GROUPS } from "../avatar/blendshapes";

export const TIMELINE_VERSION = 1;

const seconds = z.number().finite().nonnegative();

/** `t` start, `d` duration. */
export const SegmentSchema = z.object({ t: seconds, d: z.number().finite().positive() });
export type Segment = z.infer<typeof SegmentSchema>;

/** How strongly the shape is formed, 0…1 (1: fully). */
const weight = z.number().min(0).max(1);

export const VisemeSegmentSchema = SegmentSchema.extend({
  viseme: z.enum(VISEMES).exclude(["sil"]),
  weight,
});
export type VisemeSegment = z.infer<typeof VisemeSegmentSchema>;

export const GroupSegmentSchema = SegmentSchema.extend({
  group: z.enum(Object.keys(VISEME_GROUPS) as [keyof typeof VISEME_GROUPS]),
  weight,
});
export type GroupSegment = z.infer<typeof GroupSegmentSchema>;

export const WordSchema = SegmentSchema.extend({ text: z.string().min(1) });
export type Word = z.infer<typeof WordSchema>;

/** In order, each starting at or after the previous one's end. */
const ordered = <T extends Segment>(list: T[]) =>
  list.every((s, i) => i === 0 || s.t >= list[i - 1].t + list[i - 1].d - 0.0005);

export const SpeechTimelineSchema = z
  .object({
    version: z.literal(TIMELINE_VERSION),
    engine: z.object({
      package: z.string().min(1),
      version: z.string().min(1),
      model: z.string().min(1),
    }),
    durationSeconds: seconds,
    /** Voice activity: stretches of speech, short pauses inside them bridged. */
    voice: z.array(SegmentSchema),
    visemes: z.array(VisemeSegmentSchema),
    groups: z.array(GroupSegmentSchema),
    /** Present when the text is known; its words spread over the voiced stretches. */
    words: z.array(WordSchema).optional(),
  })
  .refine((tl) => [tl.voice, tl.visemes, tl.groups, tl.words ?? []].every(ordered), {
    message: "segments must be sorted and must not overlap",
  })
  .refine(
    (tl) =>
      [...tl.voice, ...tl.visemes, ...tl.groups, ...(tl.words ?? [])].every(
        (s) => s.t + s.d <= tl.durationSeconds + 0.0005,
      ),
    { message: "segments must end within the audio" },
  );
export type SpeechTimeline = z.infer<typeof SpeechTimelineSchema>;
