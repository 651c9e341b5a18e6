/**
 * The speech timeline of one voice: decode it (streamed), analyse every 16 ms frame,
 * and build the timeline from the whole recording. This is the one entry point the
 * rest of the backend calls.
 */
import type { Readable } from "node:stream";
import type { SniffedType } from "../media/sniff";
import { DEFAULT_DECODE, decodePcm, type DecodeOptions } from "./decode";
import { FrameAnalyser, type AnalysedFrame } from "./headaudio/analyser";
import { englishVisemeModel } from "./headaudio/model";
import type { SpeechTimeline } from "./schema";
import { buildTimeline, DEFAULT_TIMELINE, type TimelineOptions } from "./timeline";

export interface SpeechOptions {
  /** The text spoken, when known: the timeline then has words. */
  text?: string;
  decode?: DecodeOptions;
  timeline?: TimelineOptions;
}

/** The timeline of PCM already decoded (mono float32 chunks at `sampleRate`). */
export async function timelineFromPcm(
  chunks: AsyncIterable<Float32Array> | Iterable<Float32Array>,
  sampleRate: number,
  options: Pick<SpeechOptions, "text" | "timeline"> = {},
): Promise<SpeechTimeline> {
  const analyser = new FrameAnalyser(englishVisemeModel(), { inputRate: sampleRate });
  const frames: AnalysedFrame[] = [];
  let samples = 0;
  for await (const chunk of chunks) {
    analyser.push(chunk, frames);
    samples += chunk.length;
  }
  return buildTimeline(
    frames,
    samples / sampleRate,
    options.text,
    options.timeline ?? DEFAULT_TIMELINE,
  );
}

/** The timeline of an audio file or stream of sniffed `type`. */
export function speechTimeline(
  input: string | Readable,
  type: SniffedType,
  options: SpeechOptions = {},
): Promise<SpeechTimeline> {
  const decode = options.decode ?? DEFAULT_DECODE;
  return timelineFromPcm(decodePcm(input, type, decode), decode.sampleRate, options);
}
