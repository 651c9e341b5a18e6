/**
 * Entry: auth state + a small path router. Every screen is a lazily loaded module
 * (its own chunk); the sign-in screen needs only firebase/app and firebase/auth.
 */
import { onAuthStateChanged, signOut, type User } from "firebase/auth";
import { firebase } from "./firebase";
import { h, mount } from "./ui/dom";

export interface ScreenContext {
  user: User;
  navigate(path: string): void;
}
/** A screen renders into <main> and returns its cleanup (listeners, media, timers). */
export type Screen = (ctx: ScreenContext) => Promise<(() => void) | void>;

const screens: Record<string, () => Promise<{ default: Screen }>> = {
  "/consent": () => import("./screens/consent"),
  "/video": () => import("./screens/video"),
  "/avatar": () => import("./screens/avatar"),
  "/data": () => import("./screens/my-data"),
};

let user: User | null = null;
let cleanup: (() => void) | void = undefined;
let renderSeq = 0;

function navigate(path: string): void {
  if (location.pathname + location.search !== path) history.pushState(null, "", path);
  void render();
}

async function render(): Promise<void> {
  const seq = ++renderSeq;
  cleanup?.();
  cleanup = undefined;
  const nav = document.getElementById("nav") as HTMLElement;
  nav.hidden = !user;
  for (const a of nav.querySelectorAll("a")) {
    if (a.getAttribute("href") === location.pathname) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  try {
    if (!user) {
      if (location.pathname !== "/signin") history.replaceState(null, "", "/signin");
      const { default: signIn } = await import("./screens/sign-in");
      if (seq === renderSeq) await signIn({ navigate });
      return;
    }
    const path = location.pathname in screens ? location.pathname : "/video";
    if (path !== location.pathname) history.replaceState(null, "", path);
    const { default: screen } = await screens[path]();
    if (seq !== renderSeq) return;
    cleanup = await screen({ user, navigate });
  } catch (err) {
    mount("Something went wrong", h("p", { role: "alert" }, (err as Error).message));
  }
}

document.addEventListener("click", (e) => {
  const a = (e.target as HTMLElement).closest("a");
  if (!a || a.target || a.hasAttribute("download") || e.metaKey || e.ctrlKey) return;
  const url = new URL(a.href);
  if (url.origin !== location.origin || url.pathname.startsWith("/__/")) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener("popstate", () => void render());

async function start(): Promise<void> {
  const { auth } = await firebase();
  document.getElementById("sign-out")?.addEventListener("click", () => {
    void signOut(auth).then(() => navigate("/signin"));
  });
  let known = false;
  onAuthStateChanged(auth, (u) => {
    // The first call (signed in or not) renders; later ones only when the user changes.
    const changed = !known || u?.uid !== user?.uid;
    known = true;
    user = u;
    if (changed) void render();
  });
}

start().catch((err: Error) =>
  mount("Masky is unavailable", h("p", { role: "alert" }, err.message)),
);
