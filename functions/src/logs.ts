/**
 * Structured logging. Every field passes through `redact` so that secrets, tokens,
 * signed URLs and personal data never reach Cloud Logging:
 * - a user is logged only as a pseudonym (`logUserId`): a truncated SHA-256 of the
 *   uid under a label of this service. Uids are random (not guessable), so the
 *   pseudonym cannot be turned back into a uid; an operator who has a uid computes
 *   its pseudonym to find that user's lines, and once the account is erased nothing
 *   links them to a person any more;
 * - values of uid fields (`uid`, `userId`, `user_id`) become pseudonyms, whatever
 *   the call site passed; e-mail fields and addresses inside strings are removed;
 * - Storage paths and HeyGen names that carry a uid (`users/{uid}/`, `selfies/{uid}/`,
 *   `videos/{uid}/`, `masky_{uid}`) carry the pseudonym instead (error messages).
 */
import { createHash } from "node:crypto";
import * as logger from "firebase-functions/logger";

const SECRET_KEY = /(authorization|token|secret|password|api[-_]?key|signature|cookie|credential)/i;
const SIGNED_URL =
  /([?&](X-Goog-Signature|Signature|X-Amz-Signature|access_token|token)=)[^&\s"]+/gi;
const UID_KEY = /^(uid|userId|user_id)$/;
const EMAIL_KEY = /e-?mail/i;
const EMAIL = /[^\s@"'<>(),;:[\]]+@[^\s@"'<>(),;:[\]]+\.[a-z]{2,}/gi;
/**
 * A uid as the segment after a per-user Storage prefix (not an API path such as
 * HeyGen's `/v3/videos/{id}`), or in the HeyGen folder/group name.
 */
const UID_IN_PATH = /(?<!\/v\d{1,2}\/)\b(users|selfies|videos)\/([^/\s"'?#]+)/g;
const UID_IN_NAME = /\bmasky_([A-Za-z0-9_-]+)/g;
const PSEUDONYM = /^u_[0-9a-f]{16}$/;

/** The pseudonym a user is logged under (stable, not reversible). */
export function logUserId(uid: string): string {
  if (PSEUDONYM.test(uid)) return uid;
  const digest = createHash("sha256").update(`masky-log-user:${uid}`).digest("hex");
  return `u_${digest.slice(0, 16)}`;
}

function scrubString(value: string): string {
  return value
    .replace(SIGNED_URL, "$1[redacted]")
    .replace(EMAIL, "[email]")
    .replace(UID_IN_PATH, (_m, prefix: string, uid: string) => `${prefix}/${logUserId(uid)}`)
    .replace(UID_IN_NAME, (_m, uid: string) => `masky_${logUserId(uid)}`);
}

/** Replaces secret-looking values, signed URL signatures and personal data. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[deep]";
  if (typeof value === "string") return scrubString(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error)
    return { name: value.name, message: redact(value.message, depth + 1) };
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (SECRET_KEY.test(k)) out[k] = "[redacted]";
      else if (EMAIL_KEY.test(k) && v != null) out[k] = "[redacted]";
      else if (UID_KEY.test(k) && typeof v === "string") out[k] = logUserId(v);
      else out[k] = redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

export type LogFields = Record<string, unknown>;

/** The message is scrubbed like the fields (it may quote an error or a path). */
export const log = {
  debug: (msg: string, fields: LogFields = {}) => logger.debug(scrubString(msg), redact(fields)),
  info: (msg: string, fields: LogFields = {}) => logger.info(scrubString(msg), redact(fields)),
  warn: (msg: string, fields: LogFields = {}) => logger.warn(scrubString(msg), redact(fields)),
  error: (msg: string, fields: LogFields = {}) => logger.error(scrubString(msg), redact(fields)),
};
