/**
 * The avatar's preferences (appearance, voice, persona), saved and read back through
 * the `save_preferences` / `get_preferences` operations (the server's zod schema
 * decides; its message is shown as it came).
 */
import { call, ServerError, type OperationInput, type OperationOutput } from "../api";
import { announce, errorBox, h, showError } from "./dom";

type SavedPreferences = OperationInput<"save_preferences">;
type Language = SavedPreferences["voice"]["language"];
/** As stored: the server answers with its records as they are, so fields are read with care. */
type Preferences = OperationOutput<"get_preferences">;

/** Languages of the server's schema (the compiler checks each against it), with their names. */
const LANGUAGES: readonly [Language, string][] = [
  ["en-US", "English (US)"], ["en-GB", "English (UK)"], ["de-DE", "German"], ["fr-FR", "French"],
  ["es-ES", "Spanish (Spain)"], ["es-MX", "Spanish (Mexico)"], ["it-IT", "Italian"],
  ["pt-BR", "Portuguese (Brazil)"], ["pt-PT", "Portuguese (Portugal)"], ["nl-NL", "Dutch"],
  ["pl-PL", "Polish"], ["sv-SE", "Swedish"], ["tr-TR", "Turkish"], ["ru-RU", "Russian"],
  ["ja-JP", "Japanese"], ["ko-KR", "Korean"], ["zh-CN", "Chinese"], ["hi-IN", "Hindi"], ["ar-SA", "Arabic"],
];
const COLOURS = [
  ["skinTone", "Skin tone", "#c69c7b"],
  ["hairColor", "Hair colour", "#3b2a20"],
  ["eyeColor", "Eye colour", "#5a7d9a"],
] as const;
const TRAITS = [
  ["warmth", "Warmth"],
  ["energy", "Energy"],
  ["humor", "Humour"],
] as const;

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const number = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
/** Trait scores under `traits` (an older form; the seed's plain list of words has none). */
const scores = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

const field = (id: string, label: string, input: HTMLElement, hint?: string) =>
  h("div", { class: "field" }, h("label", { for: id }, label), input, hint ? h("p", { class: "muted", id: `${id}-hint` }, hint) : null);

function slider(id: string, min: number, max: number, step: number, value: number, show: (v: number) => string) {
  const input = h("input", { type: "range", id, min, max, step, value });
  const out = h("output", { for: id }, show(value));
  input.addEventListener("input", () => (out.textContent = show(Number(input.value))));
  return { input, el: h("div", { class: "slider" }, input, out) };
}

/** A relative offset as a signed percentage: 0.1 → "+10 %", 0 → "natural". */
const percent = (v: number) => (v === 0 ? "natural" : `${v > 0 ? "+" : "−"}${Math.round(Math.abs(v) * 100)} %`);

export function preferencesForm(assetId: string): HTMLElement {
  const colours = COLOURS.map(([key, label, initial]) => ({
    key,
    input: h("input", { type: "color", id: `pref-${key}`, value: initial }),
    label,
  }));
  const glasses = h("input", { type: "checkbox", id: "pref-glasses" });
  const language = h("select", { id: "pref-language" }, ...LANGUAGES.map(([v, l]) => h("option", { value: v }, l)));
  const pitch = slider("pref-pitch", -0.5, 1, 0.05, 0, percent);
  const speed = slider("pref-speed", -0.5, 1, 0.05, 0, percent);
  const name = h("input", { type: "text", id: "pref-name", maxlength: 60, autocomplete: "off" });
  const bio = h("textarea", { id: "pref-bio", maxlength: 500, rows: 3 });
  const traits = TRAITS.map(([key, label]) => ({ key, label, ...slider(`pref-${key}`, 0, 1, 0.1, 0.5, String) }));
  const error = errorBox();
  const saved = h("p", { class: "muted", "aria-live": "polite" });
  const save = h("button", { type: "submit", class: "primary" }, "Save preferences");

  const form = h(
    "form",
    { class: "prefs", "aria-labelledby": "prefs-h" },
    h(
      "fieldset",
      {},
      h("legend", {}, "Appearance"),
      ...colours.map((c) => field(c.input.id, c.label, c.input)),
      h("div", { class: "choice" }, glasses, h("label", { for: "pref-glasses" }, "Glasses")),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Voice"),
      field("pref-language", "Language", language),
      field("pref-pitch", "Pitch", pitch.el),
      field("pref-speed", "Speed", speed.el),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Persona"),
      field("pref-name", "Name", name),
      field("pref-bio", "About (up to 500 characters)", bio),
      ...traits.map((t) => field(t.input.id, t.label, t.el)),
    ),
    error,
    h("div", { class: "row" }, save, saved),
  );

  // Pitch and speed are relative offsets as the seed writes them: 0 natural, 0.1 = 10 % higher/faster.
  const fill = (p: Preferences) => {
    for (const c of colours) {
      const v = text(p.appearance[c.key]);
      if (v) c.input.value = v;
    }
    glasses.checked = p.appearance.glasses === true;
    if (p.voice) {
      language.value = text(p.voice.language) ?? language.value;
      pitch.input.value = String(number(p.voice.pitch) ?? 0);
      speed.input.value = String(number(p.voice.speed) ?? 0);
    }
    name.value = text(p.persona.name) ?? "";
    bio.value = text(p.persona.bio) ?? "";
    // Scores at the top level of persona (the seed's form), or under `traits` (an older form).
    const scored = scores(p.persona.traits);
    for (const t of traits) {
      const v = number(p.persona[t.key]) ?? number(scored[t.key]);
      if (v !== undefined) t.input.value = String(v);
    }
    for (const input of form.querySelectorAll("input[type=range]")) input.dispatchEvent(new Event("input"));
    saved.textContent = p.updatedAt ? `Last saved ${new Date(p.updatedAt).toLocaleString()}.` : "";
  };

  call("get_preferences", { assetId })
    .then(fill)
    .catch((e: ServerError) => {
      if (e.code !== "NOT_FOUND") showError(error, `Your preferences could not be read: ${e.message}`);
    });

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    // The seed's form: the scores at the top level of persona.
    const persona: NonNullable<SavedPreferences["persona"]> = {};
    for (const t of traits) persona[t.key] = Number(t.input.value);
    if (name.value.trim()) persona.name = name.value.trim();
    if (bio.value.trim()) persona.bio = bio.value.trim();
    const chosen = LANGUAGES.find(([code]) => code === language.value)?.[0] ?? "en-US";
    const body: SavedPreferences = {
      assetId,
      appearance: { ...Object.fromEntries(colours.map((c) => [c.key, c.input.value])), glasses: glasses.checked },
      voice: { pitch: Number(pitch.input.value), speed: Number(speed.input.value), language: chosen },
      persona,
    };
    save.disabled = true;
    showError(error, null);
    call("save_preferences", body)
      .then(() => call("get_preferences", { assetId }))
      .then((p) => {
        fill(p);
        saved.textContent = "Saved.";
        announce("Your preferences are saved.");
      })
      .catch((err: ServerError) => showError(error, `Not saved: ${err.message}`))
      .finally(() => (save.disabled = false));
  });
  return form;
}
