/**
 * Turns what a client sends as a voice or photo location into an object of the
 * project's own bucket, or refuses it. Nothing is ever fetched from the given URL
 * (SSRF): only the bucket and object path are read out of it, and the object is
 * then read through the Storage client. Accepted forms:
 *   users/{uid}/voice.webm                               (a path in the bucket)
 *   gs://{bucket}/users/{uid}/voice.webm
 *   https://firebasestorage.googleapis.com/v0/b/{bucket}/o/{path}?alt=media&token=…
 *   https://storage.googleapis.com/{bucket}/{path}
 *   http://127.0.0.1:9199/v0/b/{bucket}/o/{path}          (Storage emulator, local runs only)
 * The object must lie under `users/{uid}/`: a user can only use their own uploads.
 */
import { ApiError } from "../../errors";

export interface StorageReference {
  bucket: string;
  path: string;
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

function fromUrl(raw: string, isEmulator: boolean): StorageReference | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol === "gs:")
    return { bucket: u.hostname, path: decodeURIComponent(u.pathname.slice(1)) };
  const local = isEmulator && u.protocol === "http:" && LOCAL_HOSTS.has(u.hostname);
  if (u.protocol !== "https:" && !local) return null;
  if (u.username || u.password) return null;
  const v0 = /^\/v0\/b\/([^/]+)\/o\/([^/]+)$/.exec(u.pathname);
  if (v0 && (u.hostname === "firebasestorage.googleapis.com" || local)) {
    return { bucket: decodeURIComponent(v0[1]), path: decodeURIComponent(v0[2]) };
  }
  if (u.hostname === "storage.googleapis.com" || u.hostname === "storage.cloud.google.com") {
    const m = /^\/([^/]+)\/(.+)$/.exec(u.pathname);
    if (m)
      return {
        bucket: decodeURIComponent(m[1]),
        path: m[2].split("/").map(decodeURIComponent).join("/"),
      };
  }
  return null;
}

/** A refusal that names the field in `details`, as the schema's own 400s do. */
function refused(code: "INVALID_REQUEST" | "FORBIDDEN", field: string, message: string): ApiError {
  return new ApiError(code, `${field} ${message}`, {
    details: [{ path: field, message, code: "custom" }],
  });
}

export function resolveStorageReference(
  value: string,
  opts: { bucket: string; uid: string; isEmulator: boolean; field: string },
): StorageReference {
  const trimmed = value.trim();
  let ref: StorageReference | null;
  try {
    ref = /^[a-z][a-z0-9+.-]*:/i.test(trimmed)
      ? fromUrl(trimmed, opts.isEmulator)
      : { bucket: opts.bucket, path: trimmed.replace(/^\/+/, "") };
  } catch {
    ref = null;
  }
  if (!ref) {
    throw refused(
      "INVALID_REQUEST",
      opts.field,
      `must be a file in this project's Storage (a path like users/${opts.uid}/…, a gs:// URL or a Firebase Storage download URL); other URLs are not fetched.`,
    );
  }
  if (ref.bucket !== opts.bucket) {
    throw refused(
      "INVALID_REQUEST",
      opts.field,
      `must be in this project's bucket (${opts.bucket}).`,
    );
  }
  const segments = ref.path.split("/");
  if (
    !ref.path ||
    segments.some((s) => s === "" || s === "." || s === "..") ||
    ref.path.includes("\0")
  ) {
    throw refused("INVALID_REQUEST", opts.field, "is not a valid object path.");
  }
  if (!ref.path.startsWith(`users/${opts.uid}/`)) {
    throw refused(
      "FORBIDDEN",
      opts.field,
      `must be one of your own uploads (users/${opts.uid}/…).`,
    );
  }
  return ref;
}
