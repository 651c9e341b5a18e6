/**
 * The finished video's captions: the project document names the WebVTT the server wrote
 * next to the saved video (as it names the video; the page asks the server nothing), the
 * page fetches it into a blob (so the `<track>` is same-origin and the video needs no
 * CORS mode) and shows it by default, with a button to hide and show it again. A
 * recording without a transcript has no captions, and the page says so.
 */
import { h } from "./dom";
import type { ProjectDoc } from "./project-status";
import { downloadUrl } from "./uploads";

/** The transcript's longest length, as the server checks it. */
export const TRANSCRIPT_MAX_CHARS = 10000;

/** The optional transcript of a recording: what the user says, for the video's captions. */
export function transcriptField(): { el: HTMLElement; value(): string | undefined } {
  const input = h("textarea", {
    id: "voice-transcript",
    rows: 3,
    maxlength: TRANSCRIPT_MAX_CHARS,
    "aria-describedby": "voice-transcript-hint",
  });
  const el = h(
    "div",
    { class: "field" },
    h("label", { for: "voice-transcript" }, "What you say in the recording (optional)"),
    input,
    h(
      "p",
      { class: "muted", id: "voice-transcript-hint" },
      "Type the words you recorded and your video gets captions. Without them, it has none.",
    ),
  );
  return { el, value: () => input.value.trim() || undefined };
}

/** Adds the project's captions to `player`; the toggle (or a note why there are none) goes in `box`. */
export async function showCaptions(player: HTMLVideoElement, box: HTMLElement, p: ProjectDoc): Promise<void> {
  const path = p.captions?.path;
  if (!path) {
    const why =
      p.captions?.source === "none"
        ? "No captions: no transcript was typed for this recording."
        : (p.captions?.error ?? "This video has no captions.");
    box.replaceChildren(h("p", { class: "muted", id: "captions-note" }, why));
    return;
  }
  const res = await fetch(await downloadUrl(path));
  if (!res.ok) throw new Error(`the captions could not be loaded (HTTP ${res.status})`);
  const src = URL.createObjectURL(new Blob([await res.text()], { type: "text/vtt" }));
  const track = h("track", { kind: "captions", label: "Captions", srclang: "en", src, default: true });
  player.append(track);
  track.track.mode = "showing";
  const toggle = h("button", { type: "button", class: "secondary" }, "Hide captions");
  toggle.addEventListener("click", () => {
    const showing = track.track.mode === "showing";
    track.track.mode = showing ? "hidden" : "showing";
    toggle.textContent = showing ? "Show captions" : "Hide captions";
  });
  box.replaceChildren(toggle);
}
