/**
 * App Check for the page: once initialised, the Firebase SDK attaches its token
 * (`X-Firebase-AppCheck`) to every callable, Storage and Firestore request, which the
 * functions require when APP_CHECK_ENFORCED is on (docs/configuration.md).
 *
 * - Deployed: reCAPTCHA Enterprise, when the build was given the web app's site key
 *   (`VITE_APP_CHECK_SITE_KEY`, public by design). Without one, App Check is not
 *   initialised and the functions must not enforce it.
 * - On localhost, when the page was opened once with `?appcheck=local` (kept for the
 *   tab's session): tokens from the local App Check issuer (port 9330), which signs them
 *   with the key set the local functions verify against. Nothing else on the page
 *   changes, so the enforced path is tested with the page as a person meets it.
 *
 * `firebase/app-check` is loaded only when one of the two applies.
 */
import type { FirebaseApp } from "firebase/app";

/** The local issuer's token endpoint (functions/devtools/app-check-issuer.ts, PORTS.appCheck). */
export const LOCAL_APP_CHECK_TOKEN_URL = "http://127.0.0.1:9330/v1/token";
const SESSION_KEY = "masky.appCheck";
/** `VITE_APP_CHECK_SITE_KEY` of the build's environment ("" when unset): vite.config.mts. */
declare const __APP_CHECK_SITE_KEY__: string;

type Source = { kind: "recaptcha-enterprise"; siteKey: string } | { kind: "local" } | null;

/**
 * `?appcheck=local` is kept for the tab as soon as this module runs, before the page
 * fetches its configuration or routes: a page left (or redirected) before App Check
 * started still leaves the choice to the next one.
 */
function rememberLocalAppCheck(): void {
  if (new URLSearchParams(location.search).get("appcheck") === "local") {
    sessionStorage.setItem(SESSION_KEY, "local");
  }
}
rememberLocalAppCheck();

function appCheckSource(isLocal: boolean): Source {
  const siteKey = __APP_CHECK_SITE_KEY__;
  if (siteKey) return { kind: "recaptcha-enterprise", siteKey };
  if (!isLocal) return null;
  return sessionStorage.getItem(SESSION_KEY) === "local" ? { kind: "local" } : null;
}

async function localToken(): Promise<{ token: string; expireTimeMillis: number }> {
  const res = await fetch(LOCAL_APP_CHECK_TOKEN_URL, { cache: "no-store" });
  if (!res.ok) throw new Error(`the local App Check issuer answered ${res.status}`);
  const body = (await res.json()) as { token?: unknown; expireTimeMillis?: unknown };
  if (typeof body.token !== "string" || typeof body.expireTimeMillis !== "number") {
    throw new Error("the local App Check issuer answered without a token");
  }
  return { token: body.token, expireTimeMillis: body.expireTimeMillis };
}

/** Initialises App Check on `app` when the page has a source of tokens; before any other service is used. */
export async function startAppCheck(app: FirebaseApp, isLocal: boolean): Promise<boolean> {
  const source = appCheckSource(isLocal);
  if (!source) return false;
  const ac = await import("firebase/app-check");
  const provider =
    source.kind === "local"
      ? new ac.CustomProvider({ getToken: localToken })
      : new ac.ReCaptchaEnterpriseProvider(source.siteKey);
  ac.initializeAppCheck(app, { provider, isTokenAutoRefreshEnabled: true });
  return true;
}
