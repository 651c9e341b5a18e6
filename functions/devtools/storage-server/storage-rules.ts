/**
 * What /storage.rules allows, as code the local Storage server can evaluate (the
 * Storage emulator's rules runtime cannot run offline). Keep it in step with
 * storage.rules: test/devtools/storage-firebase-rest.test.ts runs every case of the
 * rules file against the server.
 *
 *   users/{uid}/**    owner reads and deletes; owner creates/updates images (jpeg,
 *                     png), audio/* and video/webm under 50 MiB
 *   videos/{uid}/{f}  owner reads
 *   anything else     denied
 */
export type StorageOp = "read" | "write" | "delete";

export interface RulesRequest {
  op: StorageOp;
  /** Object name (full path), e.g. `users/u1/photos/a.jpg`. */
  name: string;
  /** The verified caller, or null when signed out. */
  uid: string | null;
  /** For writes: the object as it would be stored. */
  resource?: { size: number; contentType: string };
}

export const MAX_USER_UPLOAD_BYTES = 50 * 1024 * 1024;
const USER_CONTENT_TYPES = [/^image\/(jpeg|png)$/, /^audio\/.*$/, /^video\/webm$/];

export function storageRulesAllow(r: RulesRequest): boolean {
  if (!r.uid) return false;
  const seg = r.name.split("/");
  if (seg[0] === "users" && seg.length >= 3 && seg[1] === r.uid && seg.slice(2).every(Boolean)) {
    if (r.op !== "write") return true;
    const res = r.resource;
    return (
      !!res &&
      res.size < MAX_USER_UPLOAD_BYTES &&
      USER_CONTENT_TYPES.some((re) => re.test(res.contentType))
    );
  }
  if (seg[0] === "videos" && seg.length === 3 && seg[1] === r.uid && seg[2]) {
    return r.op === "read";
  }
  return false;
}
