/**
 * The speech timeline and captions of an archived video: the copy's audio (the user's
 * recording, or HeyGen's speech of the script) gets its speech timeline, stored next to
 * the copy like every voice's (stored-timeline.ts: cached by the audio's hash, with the
 * known words spread over its voiced stretches), and when the words are known the WebVTT
 * is written next to the copy too. The copy is read back from Storage into a temporary
 * file there: an MP4's index may sit at its end, so it is decoded from a file, never
 * held in memory.
 */
import type { AppContext } from "../../context";
import { getBucket } from "../../clients/storage/bucket";
import { log } from "../../logs";
import type { CaptionsSource } from "../../store/projects";
import { timelineOfAudio } from "../speech/stored-timeline";
import { webVtt } from "../speech/webvtt";

/** What captioning a video came to: the captions' path, or why there are none. */
export interface CaptionsOutcome {
  path: string | null;
  error: string | null;
}

export interface CaptionsJob {
  projectId: string;
  videoId: string;
  source: CaptionsSource;
  /** The words to caption (null: a recording without a transcript). */
  text: string | null;
  /** The archived MP4 in Storage, and where its captions go. */
  videoPath: string;
  captionsPath: string;
}

export const NO_SPEECH = "No speech was heard in the video's audio, so it has no captions.";

/**
 * Stores the archived copy's speech timeline and writes its WebVTT when the words are
 * known; a failure is reported, never thrown.
 */
export async function writeCaptions(
  app: AppContext,
  uid: string,
  job: CaptionsJob,
): Promise<CaptionsOutcome> {
  try {
    const text = job.text ?? undefined;
    const { timeline } = await timelineOfAudio(app, uid, job.videoPath, { text });
    if (job.text === null) return { path: null, error: null };
    const words = timeline.words ?? [];
    if (words.length === 0) return { path: null, error: NO_SPEECH };
    await getBucket(app.config.storageBucket)
      .file(job.captionsPath)
      .save(webVtt(words), {
        resumable: false,
        contentType: "text/vtt; charset=utf-8",
        metadata: { metadata: { heygenVideoId: job.videoId, captionsSource: job.source } },
      });
    log.info("captions written", {
      projectId: job.projectId,
      videoId: job.videoId,
      source: job.source,
      words: words.length,
    });
    return { path: job.captionsPath, error: null };
  } catch (err) {
    // The video is archived all the same; it plays without captions.
    log.warn("captions failed", { projectId: job.projectId, videoId: job.videoId, error: err });
    return { path: null, error: "The video's captions could not be made." };
  }
}
