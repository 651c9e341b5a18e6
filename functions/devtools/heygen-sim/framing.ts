/** The framing of a legacy video's character, as `POST /v2/video/generate` checks it. */
import type { SimVideo } from "./model";
import { errorReply, type SimReply } from "./http";

/**
 * A character's framing (HeyGen's Create Avatar Video (V2) reference): `avatar_style`
 * of an `avatar` (normal | closeUp | circle), `talking_photo_style` of a
 * `talking_photo` (square | circle); the other character's field, or another value, is
 * refused like HeyGen's validation errors.
 */
export function checkFraming(ch: {
  type?: string;
  avatar_style?: unknown;
  talking_photo_style?: unknown;
}): { ok: SimVideo["framing"] } | { error: SimReply } {
  const allowed: Record<string, readonly string[]> =
    ch.type === "talking_photo"
      ? { talking_photo_style: ["square", "circle"] }
      : { avatar_style: ["normal", "closeUp", "circle"] };
  let framing: SimVideo["framing"] = null;
  for (const field of ["avatar_style", "talking_photo_style"] as const) {
    const value = ch[field];
    if (value === undefined) continue;
    const values = allowed[field];
    if (!values || typeof value !== "string" || !values.includes(value)) {
      return {
        error: errorReply(
          "v2",
          400,
          400175,
          values
            ? `${field} must be one of ${values.join(", ")}`
            : `${field} is not a field of a ${ch.type} character`,
        ),
      };
    }
    framing = { field, value };
  }
  return { ok: framing };
}
