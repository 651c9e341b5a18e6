/**
 * Structured logging. Every field passes through `redact` so that secrets, tokens
 * and signed URLs never reach Cloud Logging.
 */
import * as logger from "firebase-functions/logger";

const SECRET_KEY = /(authorization|token|secret|password|api[-_]?key|signature|cookie|credential)/i;
const SIGNED_URL =
  /([?&](X-Goog-Signature|Signature|X-Amz-Signature|access_token|token)=)[^&\s"]+/gi;

/** Replaces secret-looking values and the signature part of signed URLs. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[deep]";
  if (typeof value === "string") return value.replace(SIGNED_URL, "$1[redacted]");
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error)
    return { name: value.name, message: redact(value.message, depth + 1) };
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEY.test(k) ? "[redacted]" : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

export type LogFields = Record<string, unknown>;

export const log = {
  debug: (msg: string, fields: LogFields = {}) => logger.debug(msg, redact(fields)),
  info: (msg: string, fields: LogFields = {}) => logger.info(msg, redact(fields)),
  warn: (msg: string, fields: LogFields = {}) => logger.warn(msg, redact(fields)),
  error: (msg: string, fields: LogFields = {}) => logger.error(msg, redact(fields)),
};
