/**
 * Speech timelines of the user's uploads, stored and cached: the audio is read from the
 * user's Storage folder (streamed to a temporary file, hashed on the way), and
 * - when the user already has a timeline of the same bytes (sha256), that one is
 *   answered: the audio is never analysed twice for them; a new `text` only re-spreads
 *   the words over the stored voiced stretches (no analysis);
 * - otherwise the engine computes it here, in this function, and the JSON is written
 *   next to the audio (`<audio path>.timeline.json`) with an index document.
 * A recording sent only for its timeline (`timelineOfUpload`) is then deleted, unless an
 * unfinished video of the user still needs it (a project names it, or a generate is
 * running); other flows that hold a voice of the user call `timelineOfAudio`.
 */
import { performance } from "node:perf_hooks";
import type { Bucket } from "@google-cloud/storage";
import type { AppContext } from "../../context";
import { getBucket } from "../../clients/storage/bucket";
import { ApiError } from "../../errors";
import { log } from "../../logs";
import {
  forgetTimelinesAt,
  getTimelineIndex,
  listTimelineIndexes,
  putTimelineIndex,
  forgetTimeline,
} from "../../store/speech-timelines";
import { download, TempDir } from "../media/prepare";
import { isAudioType } from "../media/sniff";
import { resolveStorageReference } from "../media/storage-reference";
import { inputNeededByVideo } from "../privacy/release-inputs";
import { speechTimeline } from "./compute";
import { SpeechTimelineSchema, type SpeechTimeline } from "./schema";
import { isTimelineObject, timelinePathOf } from "./timeline-paths";
import { spreadWords } from "./words";

export interface AudioTimeline {
  /** The timeline's id: the sha256 of the audio's bytes. */
  id: string;
  timeline: SpeechTimeline;
  /** Answered from the user's cache: no analysis ran. */
  cached: boolean;
  /** Server time of this request's analysis (decode, analysis, timeline), ms; 0 when cached. */
  computeMs: number;
  audioSeconds: number;
}

export interface UploadTimeline extends AudioTimeline {
  /** The recording was deleted (no video needs it). */
  audioDeleted: boolean;
}

async function readTimelineJson(bucket: Bucket, path: string): Promise<SpeechTimeline | null> {
  const file = bucket.file(path);
  const [exists] = await file.exists();
  if (!exists) return null;
  const [bytes] = await file.download();
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch {
    return null;
  }
  const parsed = SpeechTimelineSchema.safeParse(raw);
  if (!parsed.success) log.warn("a stored speech timeline does not match its schema", { path });
  return parsed.success ? parsed.data : null;
}

async function writeTimelineJson(bucket: Bucket, path: string, tl: SpeechTimeline): Promise<void> {
  await bucket.file(path).save(JSON.stringify(tl), {
    contentType: "application/json",
    resumable: false,
  });
}

/** Deletes the recording unless a video needs it; answers whether it was deleted. */
async function releaseRecording(app: AppContext, uid: string, path: string): Promise<boolean> {
  if (await inputNeededByVideo(app, uid, path)) return false;
  await getBucket(app.config.storageBucket).file(path).delete({ ignoreNotFound: true });
  return true;
}

/** A recording the user sent for its timeline: computed (or cached), then deleted unless a video needs it. */
export async function timelineOfUpload(
  app: AppContext,
  uid: string,
  input: { audio: string; text?: string },
): Promise<UploadTimeline> {
  const ref = resolveStorageReference(input.audio, {
    bucket: app.config.storageBucket,
    uid,
    isEmulator: app.config.isEmulator,
    field: "audio",
  });
  const result = await timelineOfAudio(app, uid, ref.path, { text: input.text });
  return { ...result, audioDeleted: await releaseRecording(app, uid, ref.path) };
}

/**
 * The timeline of one audio object of the user (`users/{uid}/…`, or their archived
 * video), from their cache when they have one of the same bytes, else computed here and
 * stored next to the audio. Any flow that holds a voice of the user calls this.
 */
export async function timelineOfAudio(
  app: AppContext,
  uid: string,
  audioPath: string,
  options: { text?: string } = {},
): Promise<AudioTimeline> {
  const bucket = getBucket(app.config.storageBucket);
  const tmp = await TempDir.create();
  try {
    const local = tmp.file("audio");
    const got = await download(bucket, { bucket: bucket.name, path: audioPath }, local, "audio");
    if (!isAudioType(got.type)) {
      throw new ApiError(
        "UNSUPPORTED_MEDIA",
        "audio must be a recording (WebM/Opus, Ogg, MP3, WAV, M4A/MP4 or FLAC).",
      );
    }
    const known = await getTimelineIndex(app.db, uid, got.sha256);
    const stored = known ? await readTimelineJson(bucket, known.timelinePath) : null;
    if (known && stored) {
      let timeline = stored;
      if (options.text !== undefined) {
        const words = spreadWords(options.text, stored.voice, stored.durationSeconds);
        timeline = { ...stored, words };
        if (JSON.stringify(words) !== JSON.stringify(stored.words)) {
          await writeTimelineJson(bucket, known.timelinePath, timeline);
        }
      }
      log.info("speech timeline answered from the cache", {
        uid,
        audioSeconds: stored.durationSeconds,
      });
      const audioSeconds = stored.durationSeconds;
      return { id: got.sha256, timeline, cached: true, computeMs: 0, audioSeconds };
    }
    const started = performance.now();
    const timeline = await speechTimeline(local, got.type, { text: options.text });
    const computeMs = Math.round(performance.now() - started);
    const timelinePath = timelinePathOf(audioPath);
    await writeTimelineJson(bucket, timelinePath, timeline);
    await putTimelineIndex(
      app.db,
      uid,
      {
        sha256: got.sha256,
        audioPath,
        timelinePath,
        durationSeconds: timeline.durationSeconds,
        computeMs,
      },
      app.clock.now(),
    );
    log.info("speech timeline computed", {
      uid,
      audioSeconds: timeline.durationSeconds,
      computeMs,
      xRealTime: computeMs > 0 ? Math.round((timeline.durationSeconds * 1000) / computeMs) : null,
    });
    const audioSeconds = timeline.durationSeconds;
    return { id: got.sha256, timeline, cached: false, computeMs, audioSeconds };
  } finally {
    await tmp.dispose();
  }
}

/** The caller's stored timeline `id`; 404 for an id they have none of (anyone else's too). */
export async function storedTimeline(
  app: AppContext,
  uid: string,
  id: string,
): Promise<{ id: string; timeline: SpeechTimeline }> {
  const known = await getTimelineIndex(app.db, uid, id);
  const timeline = known
    ? await readTimelineJson(getBucket(app.config.storageBucket), known.timelinePath)
    : null;
  if (!timeline) {
    throw new ApiError("NOT_FOUND", `You have no speech timeline ${id}: compute it first.`);
  }
  return { id, timeline };
}

/**
 * Deletes the timelines of these audio objects (JSON and index) with the audio; returns
 * the deleted Storage paths and document paths.
 */
export async function deleteTimelinesOf(
  app: AppContext,
  uid: string,
  audioPaths: readonly string[],
): Promise<{ storage: string[]; firestore: string[] }> {
  const bucket = getBucket(app.config.storageBucket);
  const storage: string[] = [];
  for (const path of audioPaths.map(timelinePathOf)) {
    const [exists] = await bucket.file(path).exists();
    if (!exists) continue;
    await bucket.file(path).delete({ ignoreNotFound: true });
    storage.push(path);
  }
  const firestore = await forgetTimelinesAt(app.db, uid, audioPaths.map(timelinePathOf));
  return { storage, firestore };
}

/** Deletes every timeline of the user (JSON and index): the speech_timeline consent was withdrawn. */
export async function deleteAllTimelines(
  app: AppContext,
  uid: string,
): Promise<{ storage: string[]; firestore: string[] }> {
  const bucket = getBucket(app.config.storageBucket);
  const out = { storage: [] as string[], firestore: [] as string[] };
  for (const entry of await listTimelineIndexes(app.db, uid)) {
    await bucket.file(entry.timelinePath).delete({ ignoreNotFound: true });
    out.storage.push(entry.timelinePath);
    out.firestore.push(await forgetTimeline(app.db, uid, entry.sha256));
  }
  // Timeline files whose index is already gone (a run interrupted half-way).
  const [files] = await bucket.getFiles({ prefix: `users/${uid}/` });
  for (const file of files.filter((f) => isTimelineObject(f.name))) {
    await file.delete({ ignoreNotFound: true });
    if (!out.storage.includes(file.name)) out.storage.push(file.name);
  }
  return out;
}
