/** What the 3D avatar says: the user's recorded voice or a chosen audio file, played with lip-sync. */
import { h } from "./dom";
import { voiceRecorder } from "./voice-recorder";

export interface AvatarVoice {
  el: HTMLElement;
  stop(): void;
  /** Replaces the line that says what happens to the voice (e.g. its timeline arrived). */
  setNote(text: string): void;
}

/** `note`: what happens to the voice (uploaded for its timeline, or the sound alone). */
export function avatarVoice(speak: (audio: Blob) => Promise<void>, stopSpeaking: () => void, note: string): AvatarVoice {
  let chosen: Blob | null = null;
  const play = h("button", { type: "button", class: "primary", disabled: true }, "Speak with my avatar");
  const stopBtn = h("button", { type: "button", class: "secondary", hidden: true }, "Stop speaking");
  const status = h("p", { class: "muted", "aria-live": "polite" }, "Record your voice or choose an audio file, then press Speak.");
  const recorder = voiceRecorder(() => {
    const r = recorder.value();
    if (r) use(r, "your recording");
  });
  const file = h("input", { type: "file", id: "speech-file", accept: "audio/*", class: "sr-only" });
  const fileLabel = h("label", { for: "speech-file", class: "button secondary" }, "Choose an audio file");
  const use = (blob: Blob, what: string) => {
    chosen = blob;
    play.disabled = false;
    status.textContent = `Ready to speak ${what}.`;
  };
  file.addEventListener("change", () => {
    const f = file.files?.[0];
    if (f) use(f, `“${f.name}”`);
  });
  play.addEventListener("click", async () => {
    if (!chosen) return;
    play.hidden = true;
    stopBtn.hidden = false;
    status.textContent = "Speaking…";
    try {
      await speak(chosen);
      status.textContent = "Done. Press Speak to hear it again.";
    } catch (err) {
      status.textContent = `This audio cannot be played (${(err as Error).message}). Try another file.`;
    } finally {
      play.hidden = false;
      stopBtn.hidden = true;
    }
  });
  stopBtn.addEventListener("click", () => stopSpeaking());
  const noteEl = h("p", { class: "muted", id: "speech-note", "aria-live": "polite" }, note);
  const el = h(
    "div",
    { class: "capture" },
    recorder.el,
    h("div", { class: "row" }, file, fileLabel),
    h("div", { class: "row" }, play, stopBtn),
    noteEl,
    status,
  );
  return { el, stop: recorder.stop, setNote: (text) => (noteEl.textContent = text) };
}
