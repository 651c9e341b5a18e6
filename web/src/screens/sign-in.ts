/** Sign in / sign up with email and password; a Google button when the project has an authDomain. */
import {
  createUserWithEmailAndPassword,
  GoogleAuthProvider,
  signInWithEmailAndPassword,
} from "firebase/auth";
import { firebase, isLocal } from "../firebase";
import { errorBox, h, mount, showError } from "../ui/dom";

const MESSAGES: Record<string, string> = {
  "auth/invalid-credential": "That email and password do not match an account.",
  "auth/wrong-password": "That email and password do not match an account.",
  "auth/user-not-found": "That email and password do not match an account.",
  "auth/email-already-in-use": "An account with this email exists already: sign in instead.",
  "auth/weak-password": "Choose a password of at least 6 characters.",
  "auth/invalid-email": "Enter a valid email address.",
  "auth/too-many-requests": "Too many attempts. Wait a moment and try again.",
};

export default async function signIn(ctx: { navigate(path: string): void }): Promise<void> {
  const { auth, config } = await firebase();
  let mode: "signin" | "signup" = "signin";
  const email = h("input", { id: "email", type: "email", name: "email", autocomplete: "email", required: true });
  const password = h("input", {
    id: "password",
    type: "password",
    name: "password",
    autocomplete: "current-password",
    minlength: 6,
    required: true,
  });
  const submit = h("button", { type: "submit", class: "primary" }, "Sign in");
  const toggle = h("button", { type: "button", class: "link" }, "New here? Create an account");
  const error = errorBox();
  const form = h(
    "form",
    { novalidate: true, "aria-describedby": "signin-help" },
    h("p", { id: "signin-help", class: "muted" }, "Use your email and a password of at least 6 characters."),
    h("label", { for: "email" }, "Email"),
    email,
    h("label", { for: "password" }, "Password"),
    password,
    error,
    submit,
    toggle,
  );
  const heading = mount("Sign in", form);
  const setMode = (m: typeof mode) => {
    mode = m;
    const up = m === "signup";
    heading.querySelector("h1")!.textContent = up ? "Create an account" : "Sign in";
    document.title = `${up ? "Create an account" : "Sign in"} · Masky`;
    submit.textContent = up ? "Create account" : "Sign in";
    toggle.textContent = up ? "Have an account? Sign in" : "New here? Create an account";
    password.setAttribute("autocomplete", up ? "new-password" : "current-password");
    showError(error, null);
  };
  toggle.addEventListener("click", () => setMode(mode === "signin" ? "signup" : "signin"));

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!email.value || !password.value) {
      showError(error, "Enter your email and a password.");
      return;
    }
    submit.disabled = true;
    const act = mode === "signup" ? createUserWithEmailAndPassword : signInWithEmailAndPassword;
    act(auth, email.value.trim(), password.value)
      .then(() => ctx.navigate(mode === "signup" ? "/consent" : "/video"))
      .catch((err: { code?: string; message: string }) =>
        showError(error, MESSAGES[err.code ?? ""] ?? err.message),
      )
      .finally(() => (submit.disabled = false));
  });

  // Google sign-in needs a real authDomain (a configured project); the emulator's demo
  // config has none worth offering.
  if (config.authDomain && !isLocal) {
    const google = h("button", { type: "button", class: "secondary" }, "Continue with Google");
    google.addEventListener("click", () => {
      void import("firebase/auth").then(({ signInWithPopup, browserPopupRedirectResolver }) =>
        signInWithPopup(auth, new GoogleAuthProvider(), browserPopupRedirectResolver)
          .then(() => ctx.navigate("/video"))
          .catch((err: Error) => showError(error, err.message)),
      );
    });
    form.after(h("p", { class: "or" }, "or"), google);
  }
}
