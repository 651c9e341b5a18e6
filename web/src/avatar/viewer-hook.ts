/**
 * `window.__maskyViewer`, the 3D viewer's hook for the browser tests and the bench:
 * the face's current state, a voice played exactly as the page plays it, and the
 * logged frames of the latest voice with their audio/visual sync.
 */
import type { MouthSource, SpeakOptions, SpeechLog } from "./timeline-player";

export interface ViewerState {
  morphs: Record<string, number>;
  /** The morph targets lip-sync drives (the rest are the idle face's). */
  mouthMorphs: string[];
  speaking: boolean;
  /** What moves the mouth: the speech timeline, the sound (heuristic), or nothing. */
  mouth: MouthSource | null;
  frames: number;
}
export type ViewerHook = Readonly<{
  state(): ViewerState;
  speak(audio: Blob, options?: SpeakOptions): Promise<void>;
  lastSpeech(): SpeechLog | null;
}>;
declare global {
  interface Window {
    __maskyViewer?: ViewerHook;
  }
}

