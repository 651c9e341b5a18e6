/**
 * The captions of an archived video: the copy's audio (the user's recording, or
 * HeyGen's speech of the script) is analysed into a speech timeline with the known
 * words spread over its voiced stretches, and the WebVTT is written next to the copy.
 * The copy is read back from Storage into a temporary file: an MP4's index may sit at
 * its end, so it is decoded from a file, never held in memory.
 */
import type { Bucket } from "@google-cloud/storage";
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { log } from "../../logs";
import type { CaptionsSource } from "../../store/projects";
import { TempDir } from "../media/prepare";
import { speechTimeline } from "../speech/compute";
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

/** Analyses the archived copy and writes its WebVTT; a failure is reported, never thrown. */
export async function writeCaptions(bucket: Bucket, job: CaptionsJob): Promise<CaptionsOutcome> {
  if (job.text === null) return { path: null, error: null };
  const tmp = await TempDir.create();
  try {
    const local = tmp.file("video.mp4");
    await pipeline(
      bucket.file(job.videoPath).createReadStream({ validation: false }),
      createWriteStream(local),
    );
    const timeline = await speechTimeline(local, "video/mp4", { text: job.text });
    const words = timeline.words ?? [];
    if (words.length === 0) return { path: null, error: NO_SPEECH };
    await bucket.file(job.captionsPath).save(webVtt(words), {
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
  } finally {
    await tmp.dispose();
  }
}
