/**
 * A public HeyGen presenter and voice from the listings (the `avatars` and `voices`
 * operations, cached by the server), with previews (the presenter's picture, the voice's sample),
 * and the script the voice speaks (HeyGen's text-to-speech: nothing is recorded or
 * uploaded). Preview pictures and samples are HeyGen's own links.
 */
import { call, type OperationOutput } from "../api";
import { errorBox, h, showError } from "./dom";

type AvatarItem = OperationOutput<"avatars">["avatars"][number];
type VoiceItem = OperationOutput<"voices">["voices"][number];

export interface PresenterChoice {
  heygenAvatarId: string;
  voiceId: string;
  script: string;
}

export interface PresenterPicker {
  el: HTMLElement;
  /** The complete choice, or null while something is missing. */
  value(): PresenterChoice | null;
  /** Fetches the listings (once), when this way is first chosen. */
  load(): void;
}

/** The server's limit (functions/src/services/heygen/speech-limits.ts). */
const SCRIPT_MAX_CHARS = 5000;

/** The presenter's preview picture; its initial when there is none or it does not load. */
function picture(a: AvatarItem): HTMLElement {
  const initial = () => h("span", { class: "no-picture", "aria-hidden": "true" }, a.name.slice(0, 1));
  if (!a.previewImageUrl) return initial();
  const img = h("img", { src: a.previewImageUrl, alt: "", loading: "lazy", width: 96, height: 96 });
  img.addEventListener("error", () => img.replaceWith(initial()), { once: true });
  return img;
}

export function presenterPicker(onChange: () => void): PresenterPicker {
  const error = errorBox();
  const presenters = h("div", { class: "presenters", role: "radiogroup", "aria-labelledby": "presenter-legend" }, h("p", { class: "muted" }, "Loading the presenters…"));
  const voice = h("select", { id: "voice-select", disabled: true }, h("option", { value: "" }, "Loading the voices…"));
  const preview = h("button", { type: "button", class: "secondary", disabled: true }, "Listen to this voice");
  const sample = h("audio", { hidden: true, controls: true, "aria-label": "Voice sample" });
  const sampleStatus = h("p", { class: "muted", "aria-live": "polite" });
  const script = h("textarea", { id: "script", rows: 4, maxlength: SCRIPT_MAX_CHARS, placeholder: "Hello! This is what I will say in the video." });
  const count = h("p", { class: "muted", id: "script-count", "aria-live": "polite" }, `0 / ${SCRIPT_MAX_CHARS} characters`);
  script.setAttribute("aria-describedby", "script-count");
  let voices: VoiceItem[] = [];

  const chosenAvatar = () => presenters.querySelector<HTMLInputElement>("input[name=presenter]:checked")?.value ?? "";
  const value = (): PresenterChoice | null => {
    const text = script.value.trim();
    return chosenAvatar() && voice.value && text ? { heygenAvatarId: chosenAvatar(), voiceId: voice.value, script: text } : null;
  };
  script.addEventListener("input", () => {
    count.textContent = `${script.value.length} / ${SCRIPT_MAX_CHARS} characters`;
    onChange();
  });
  voice.addEventListener("change", () => {
    const v = voices.find((x) => x.id === voice.value);
    preview.disabled = !v?.previewAudioUrl;
    sample.hidden = true;
    sampleStatus.textContent = "";
    onChange();
  });
  preview.addEventListener("click", () => {
    const v = voices.find((x) => x.id === voice.value);
    if (!v?.previewAudioUrl) return;
    sample.src = v.previewAudioUrl;
    sample.hidden = false;
    sampleStatus.textContent = "";
    // Not an error of the page: the video can be made without hearing the sample.
    sample.play().catch(() => (sampleStatus.textContent = "This voice sample cannot be played here."));
  });

  let loaded = false;
  const load = () => {
    if (loaded) return;
    loaded = true;
    void listPresenters();
    void listVoices();
  };
  const listPresenters = () => call("avatars", {})
    .then(({ avatars }) => {
      const items = avatars.filter((a) => a.type === "avatar");
      presenters.replaceChildren(
        ...items.map((a, i) => {
          const id = `presenter-${i}`;
          const input = h("input", { type: "radio", name: "presenter", id, value: a.id, class: "sr-only" });
          input.addEventListener("change", () => {
            // A presenter's own voice is the natural first choice.
            if (a.defaultVoiceId && voices.some((v) => v.id === a.defaultVoiceId)) {
              voice.value = a.defaultVoiceId;
              voice.dispatchEvent(new Event("change"));
            }
            onChange();
          });
          return h(
            "div",
            { class: "presenter" },
            input,
            h(
              "label",
              { for: id },
              picture(a),
              h("span", {}, a.name),
            ),
          );
        }),
      );
      if (!items.length) presenters.replaceChildren(h("p", { class: "muted" }, "No presenters are available right now."));
    })
    .catch((e: Error) => showError(error, `The presenters could not be loaded: ${e.message}`));

  const listVoices = () => call("voices", {})
    .then((r) => {
      voices = r.voices;
      const describe = (v: VoiceItem) => [v.name, v.language, v.gender].filter(Boolean).join(" · ");
      voice.replaceChildren(h("option", { value: "" }, "Choose a voice"), ...voices.map((v) => h("option", { value: v.id }, describe(v))));
      voice.disabled = false;
    })
    .catch((e: Error) => showError(error, `The voices could not be loaded: ${e.message}`));

  const el = h(
    "div",
    { class: "capture" },
    h("p", { class: "muted", id: "presenter-legend" }, "Presenter"),
    presenters,
    h("div", { class: "field" }, h("label", { for: "voice-select" }, "Voice"), voice),
    h("div", { class: "row" }, preview),
    sample,
    sampleStatus,
    h("div", { class: "field" }, h("label", { for: "script" }, "What the presenter says"), script, count),
    error,
  );
  return { el, value, load };
}
