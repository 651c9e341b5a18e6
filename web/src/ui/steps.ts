/** An ordered list of named steps; the current one is marked for sight and screen readers. */
import { h } from "./dom";

export interface StepList {
  el: HTMLOListElement;
  /** Marks `current` (null or an unknown id: none, e.g. after a failure). */
  show(current: string | null): void;
}

export function stepList(steps: readonly { id: string; label: string }[]): StepList {
  const el = h(
    "ol",
    { class: "steps", "aria-label": "Progress" },
    ...steps.map((s) => h("li", { "data-step": s.id }, s.label)),
  );
  const show = (current: string | null) => {
    const index = steps.findIndex((s) => s.id === current);
    for (const li of el.querySelectorAll("li")) {
      const i = steps.findIndex((s) => s.id === li.dataset.step);
      // The last step reached is finished, not under way.
      const final = i === index && index === steps.length - 1;
      li.className = index < 0 ? "" : i < index || final ? "done" : i === index ? "current" : "";
      if (i === index) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    }
  };
  return { el, show };
}
