/**
 * `window.__maskyViewer`, the 3D viewer's hook for the browser tests and the bench:
 * the face's current state, a voice played exactly as the page plays it, the
 * logged frames of the latest voice with their audio/visual sync, and for the pixel
 * tests where a model point is on the canvas and a hold of the face.
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
  /** Where a point of the model (GLB coordinates) is on the canvas now, in drawing-buffer pixels. */
  project(point: [number, number, number]): { x: number; y: number };
  /** Holds the face as it is (idle and lip-sync stop advancing; frames are still drawn) or lets it go. */
  hold(on: boolean): void;
}>;
declare global {
  interface Window {
    __maskyViewer?: ViewerHook;
  }
}

