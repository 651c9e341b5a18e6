/**
 * HeyGen webhook deliveries (registered endpoint, heygen-api.md §10, heygen-v3.md §6):
 * the signature is the hex HMAC-SHA256 of the raw body keyed with the endpoint's
 * secret, in header `signature` (legacy) or `Heygen-Signature` (v3 docs). Events are
 * signals only: the video's state is re-read from HeyGen before anything is written.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import { HeygenError } from "../../clients/heygen/errors";
import { log } from "../../logs";
import { projectRef, projectSchema } from "../../store/projects";
import { heygenClientFor } from "./client";
import { applyVideoDetails, normaliseStatus } from "./video-status";

export const HANDLED_EVENTS = new Set(["avatar_video.success", "avatar_video.fail"]);
const TIMESTAMP_TOLERANCE_S = 300;

export function signBody(rawBody: Buffer | string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("hex");
}

/** Constant-time check of the body signature; throws 401 on any mismatch. */
export function verifySignature(
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
  secret: string,
  nowMs: number,
): void {
  const header = headers["heygen-signature"] ?? headers["signature"];
  const given = Array.isArray(header) ? header[0] : header;
  if (!secret) throw new ApiError("UNAUTHENTICATED", "Webhook secret is not configured.");
  if (!given || !/^[0-9a-f]+$/i.test(given.trim())) {
    throw new ApiError("UNAUTHENTICATED", "Missing or malformed webhook signature.");
  }
  const expected = Buffer.from(signBody(rawBody, secret), "hex");
  const actual = Buffer.from(given.trim().toLowerCase(), "hex");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new ApiError("UNAUTHENTICATED", "Webhook signature does not match.");
  }
  const ts = headers["heygen-timestamp"];
  const stamp = Number(Array.isArray(ts) ? ts[0] : ts);
  if (
    ts !== undefined &&
    (!Number.isFinite(stamp) || Math.abs(nowMs / 1000 - stamp) > TIMESTAMP_TOLERANCE_S)
  ) {
    throw new ApiError("UNAUTHENTICATED", "Webhook timestamp is outside the 5-minute window.");
  }
}

const eventSchema = z.object({
  event_type: z.string(),
  event_data: z
    .object({
      video_id: z.string().optional(),
      callback_id: z.string().nullish(),
    })
    .passthrough()
    .default({}),
});

export type WebhookOutcome = { handled: boolean; reason?: string; status?: string };

export async function handleHeygenEvent(app: AppContext, rawBody: Buffer): Promise<WebhookOutcome> {
  let parsed: z.infer<typeof eventSchema>;
  try {
    parsed = eventSchema.parse(JSON.parse(rawBody.toString("utf8")));
  } catch {
    throw new ApiError("INVALID_REQUEST", "The webhook body is not a HeyGen event.");
  }
  const { event_type: type, event_data: data } = parsed;
  if (!HANDLED_EVENTS.has(type)) return { handled: false, reason: `event ${type} ignored` };
  const videoId = data.video_id;
  const projectId = data.callback_id;
  if (!videoId || !projectId) return { handled: false, reason: "no video_id or callback_id" };
  const snap = await projectRef(app.db, projectId).get();
  const project = projectSchema.safeParse(snap.data());
  if (!snap.exists || !project.success || project.data.heygenVideoId !== videoId) {
    return { handled: false, reason: "no project with this callback_id and video" };
  }
  if (project.data.heygenStatus === "cancelled") {
    // Consent withdrawn (or the account erased) while it rendered: a late event creates nothing.
    return { handled: false, reason: "video cancelled" };
  }
  let details;
  try {
    details = await heygenClientFor(app).getVideo(videoId);
  } catch (err) {
    // HeyGen retries failed deliveries for 24 h: a 503 lets it try again later.
    const transient =
      err instanceof HeygenError && (err.kind === "upstream" || err.kind === "rate_limited");
    throw new ApiError(
      transient ? "UPSTREAM_ERROR" : "INTERNAL",
      "Could not confirm the video with HeyGen.",
      {
        cause: err,
      },
    );
  }
  const { applied } = await applyVideoDetails(app.db, projectId, videoId, details, app.clock.now());
  log.info("HeyGen webhook applied", {
    projectId,
    videoId,
    event: type,
    status: details.status,
    applied,
  });
  return { handled: applied, status: normaliseStatus(details.status) };
}
