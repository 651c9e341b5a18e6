/** Tiny DOM helpers: build elements without innerHTML (no injection, CSP-friendly). */
type Attrs = Record<string, string | boolean | number | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c) el.append(c);
  return el;
}

/** Says `text` to screen readers (polite live region). */
export function announce(text: string): void {
  const region = document.getElementById("announce");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => (region.textContent = text), 50);
}

/** Replaces the main content and moves focus to the screen's heading. */
export function mount(title: string, ...children: Child[]): HTMLElement {
  const main = document.getElementById("main") as HTMLElement;
  const heading = h("h1", { tabindex: "-1" }, title);
  main.replaceChildren(heading, ...children.filter((c): c is Node | string => Boolean(c)));
  document.title = `${title} · Masky`;
  heading.focus();
  return main;
}

export function errorBox(): HTMLElement {
  return h("div", { class: "error", role: "alert", hidden: true });
}

export function showError(box: HTMLElement, message: string | null): void {
  box.textContent = message ?? "";
  box.hidden = !message;
}
