/**
 * The Hosting section of firebase.json as the local stacks serve it: the built client
 * (its path relative to the folder of the config file written, as the Hosting
 * emulator joins the two; an absolute path does not work), and a CSP that also allows
 * the emulators' origins (the page on 127.0.0.1 talks to the Auth, Firestore, Functions
 * emulators and the local Storage server directly) and shows the HeyGen simulator's
 * media (presenter pictures, voice samples: what HeyGen's CDN serves in production)
 * and fetch App Check tokens from the local issuer.
 * Production keeps firebase.json's CSP: the origin, the Firebase endpoints and HeyGen
 * only, never a local address.
 */
import path from "node:path";
import { PORTS, localUrl } from "../ports";
import { REPO_ROOT } from "./paths";

interface HeaderRule {
  source?: string;
  regex?: string;
  headers: { key: string; value: string }[];
}
export interface HostingConfig {
  public: string;
  headers?: HeaderRule[];
  [key: string]: unknown;
}

/** Emulator ports from firebase.json (Auth, Firestore, Functions) and the Storage server. */
export function emulatorOrigins(emulators: Record<string, { port?: number }>): string[] {
  const ports = [emulators.auth?.port, emulators.firestore?.port, emulators.functions?.port];
  return [...ports.filter((p): p is number => typeof p === "number"), PORTS.storage].map(localUrl);
}

/** Where the local stack's pictures and sounds come from besides the emulators: the HeyGen simulator. */
export const SIMULATOR_MEDIA_ORIGINS = [localUrl(PORTS.heygenApi)];
/** Where the page on localhost gets App Check tokens when asked to (web/src/app-check.ts). */
export const LOCAL_APP_CHECK_ORIGINS = [localUrl(PORTS.appCheck)];

const EXTENDED = ["connect-src", "img-src", "media-src"];
const MEDIA = ["img-src", "media-src"];

export function withEmulatorCsp(
  csp: string,
  origins: string[],
  mediaOrigins: string[] = SIMULATOR_MEDIA_ORIGINS,
): string {
  return csp
    .split(";")
    .map((d) => d.trim())
    .map((d) => {
      const name = d.split(" ")[0];
      const extra = [
        ...(EXTENDED.includes(name) ? origins : []),
        ...(MEDIA.includes(name) ? mediaOrigins : []),
        ...(name === "connect-src" ? LOCAL_APP_CHECK_ORIGINS : []),
      ];
      return extra.length ? `${d} ${extra.join(" ")}` : d;
    })
    .join("; ");
}

export function localHosting(
  hosting: HostingConfig,
  emulators: Record<string, { port?: number }>,
  configDir: string,
): HostingConfig {
  const origins = emulatorOrigins(emulators);
  return {
    ...hosting,
    public: path.relative(configDir, path.resolve(REPO_ROOT, hosting.public)),
    headers: hosting.headers?.map((rule) => ({
      ...rule,
      headers: rule.headers.map((h) =>
        h.key === "Content-Security-Policy"
          ? { ...h, value: withEmulatorCsp(h.value, origins) }
          : h,
      ),
    })),
  };
}
