/**
 * The speech timeline of a voice the 3D avatar is about to say: the recording is
 * uploaded to the user's own Storage folder (Storage Web SDK, as every upload), the
 * `compute_speech_timeline` operation computes it on the server (or answers it from the
 * user's timelines of the same audio), and the server deletes the recording once the
 * timeline is stored. One request per recording: saying it again reuses the promise.
 */
import { call } from "../api";
import type { SpeechTimeline } from "../avatar/speech-timeline";
import { uploadWithProgress } from "./uploads";

const EXTENSIONS: Record<string, string> = {
  "audio/mpeg": "mp3",
  "audio/mp4": "m4a",
  "audio/ogg": "ogg",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/flac": "flac",
};

/** The recording's content type as storage.rules accept it (audio only). */
function contentTypeOf(audio: Blob): string {
  return audio.type.startsWith("audio/") || audio.type.startsWith("video/webm") ? audio.type : "audio/webm";
}

const computing = new WeakMap<Blob, Promise<SpeechTimeline>>();

/** Uploads the voice and asks the server for its timeline (a rejection names why there is none). */
export function voiceTimeline(uid: string, audio: Blob): Promise<SpeechTimeline> {
  let promise = computing.get(audio);
  if (!promise) {
    promise = (async () => {
      const type = contentTypeOf(audio);
      const ext = EXTENSIONS[type.split(";")[0]] ?? "webm";
      const name = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}.${ext}`;
      const path = `users/${uid}/speech/${name}`;
      await uploadWithProgress(path, audio, type, () => undefined);
      const { timeline } = await call("compute_speech_timeline", { audio: path });
      return timeline;
    })();
    // A failed attempt is not kept: saying the voice again tries once more.
    promise.catch(() => computing.delete(audio));
    computing.set(audio, promise);
  }
  return promise;
}
