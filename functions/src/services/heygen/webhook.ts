/**
 * HeyGen webhook deliveries (the endpoint registered with HeyGen's webhook API):
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
import { getProject, videoState } from "../../store/projects";
import {
  endVideo,
  isTerminalVideoStatus,
  normaliseStatus,
  notFoundMessage,
} from "../../store/project-video";
import { recordVideoStatus } from "./record-video-status";
import { markHandled, wasHandled } from "../../store/webhook-events";
import { heygenClientFor } from "./client";
import { webhookDedupeKeys } from "./webhook-dedupe";

export const HANDLED_EVENTS = new Set(["avatar_video.success", "avatar_video.fail"]);
const TIMESTAMP_TOLERANCE_S = 300;

export function signBody(rawBody: Buffer | string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("hex");
}

const header = (headers: Record<string, string | string[] | undefined>, name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Constant-time check of the body signature; throws 401 on any mismatch. The HMAC
 * covers the raw body only (HeyGen's v3 webhook reference), so a v3 delivery (`Heygen-Signature`)
 * must also carry `Heygen-Timestamp` within 5 minutes of now. Neither header is signed,
 * and legacy deliveries (`signature`) carry no timestamp at all (one given is checked
 * too), so what bounds a replay is the dedupe on what the signature does cover, the
 * body (`handleHeygenEvent`).
 */
export function verifySignature(
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
  secret: string,
  nowMs: number,
): void {
  const v3 = header(headers, "heygen-signature");
  const given = v3 ?? header(headers, "signature");
  if (!secret) throw new ApiError("UNAUTHENTICATED", "Webhook secret is not configured.");
  if (!given || !/^[0-9a-f]+$/i.test(given.trim())) {
    throw new ApiError("UNAUTHENTICATED", "Missing or malformed webhook signature.");
  }
  const expected = Buffer.from(signBody(rawBody, secret), "hex");
  const actual = Buffer.from(given.trim().toLowerCase(), "hex");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new ApiError("UNAUTHENTICATED", "Webhook signature does not match.");
  }
  const ts = header(headers, "heygen-timestamp");
  if (ts === undefined) {
    if (v3 !== undefined) {
      throw new ApiError("UNAUTHENTICATED", "A Heygen-Signature needs a Heygen-Timestamp.");
    }
    return;
  }
  const stamp = Number(ts);
  if (!/^\d+$/.test(ts.trim()) || Math.abs(nowMs / 1000 - stamp) > TIMESTAMP_TOLERANCE_S) {
    throw new ApiError("UNAUTHENTICATED", "Webhook timestamp is outside the 5-minute window.");
  }
}

/** A HeyGen webhook event as received (also its OpenAPI request body). */
export const eventSchema = z.object({
  event_type: z.string(),
  event_data: z
    .object({
      video_id: z.string().optional(),
      callback_id: z.string().nullish(),
    })
    .passthrough()
    .default({}),
  event_id: z.string().min(1).optional(),
});

export type WebhookOutcome = {
  handled: boolean;
  reason?: string;
  status?: string;
  duplicate?: boolean;
};

/**
 * Handles one verified delivery. A redelivery of an event already handled is answered
 * 200 without work. 404 when HeyGen does not know the video (permanent: the project's
 * video ends failed, HeyGen need not retry); 502 only when HeyGen could not be asked
 * (transient: HeyGen delivers again).
 */
export async function handleHeygenEvent(
  app: AppContext,
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined> = {},
): Promise<WebhookOutcome> {
  let parsed: z.infer<typeof eventSchema>;
  try {
    parsed = eventSchema.parse(JSON.parse(rawBody.toString("utf8")));
  } catch {
    throw new ApiError("INVALID_REQUEST", "The webhook body is not a HeyGen event.");
  }
  const keys = webhookDedupeKeys({
    eventType: parsed.event_type,
    eventId: parsed.event_id,
    videoId: parsed.event_data.video_id,
    deliveryId: header(headers, "heygen-event-id"),
  });
  const seen = await wasHandled(app.db, keys);
  if (seen) {
    log.info("HeyGen webhook: duplicate delivery acknowledged", { source: seen.source });
    return { handled: false, duplicate: true, reason: "event already handled" };
  }
  const outcome = await handleEvent(app, parsed);
  // A video event HeyGen's read does not confirm yet (success while still processing)
  // is not recorded: a redelivery checks again.
  const unconfirmed = outcome.status !== undefined && !isTerminalVideoStatus(outcome.status);
  if (keys.length > 0 && !unconfirmed) {
    await markHandled(
      app.db,
      keys,
      {
        eventType: parsed.event_type,
        videoId: parsed.event_data.video_id ?? null,
        outcome: outcome.status ?? outcome.reason ?? "handled",
      },
      app.clock.now(),
    );
  }
  return outcome;
}

async function handleEvent(
  app: AppContext,
  parsed: z.infer<typeof eventSchema>,
): Promise<WebhookOutcome> {
  const { event_type: type, event_data: data } = parsed;
  if (!HANDLED_EVENTS.has(type)) return { handled: false, reason: `event ${type} ignored` };
  const videoId = data.video_id;
  const projectId = data.callback_id;
  if (!videoId || !projectId) return { handled: false, reason: "no video_id or callback_id" };
  const project = await getProject(app.db, projectId);
  if (!project || project.heygenVideoId !== videoId) {
    return { handled: false, reason: "no project with this callback_id and video" };
  }
  if (videoState(project) === "cancelled") {
    // Consent withdrawn (or the account erased) while it rendered: a late event creates nothing.
    return { handled: false, reason: "video cancelled" };
  }
  let details;
  try {
    details = await heygenClientFor(app, project.video?.apiVersion).getVideo(videoId);
  } catch (err) {
    if (err instanceof HeygenError && err.kind === "not_found") {
      await endVideo(
        app.db,
        projectId,
        videoId,
        { code: "VIDEO_NOT_FOUND", message: notFoundMessage(videoId) },
        app.clock.now(),
      );
      throw new ApiError("NOT_FOUND", `HeyGen does not know video ${videoId}.`, { cause: err });
    }
    // Anything else may pass (HeyGen down, rate limit, a key being rotated): a 502 lets
    // HeyGen deliver again later; HeyGen retries failed deliveries for 24 h.
    throw new ApiError("UPSTREAM_ERROR", "Could not confirm the video with HeyGen.", {
      cause: err,
    });
  }
  const { applied } = await recordVideoStatus(app, projectId, videoId, details);
  log.info("HeyGen webhook applied", {
    projectId,
    videoId,
    event: type,
    status: details.status,
    applied,
  });
  return { handled: applied, status: normaliseStatus(details.status) };
}
