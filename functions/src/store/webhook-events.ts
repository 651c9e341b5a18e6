/**
 * webhook_events/{sha256 of the event key}: HeyGen events already handled, so a
 * redelivery (HeyGen retries for 24 h and sends duplicates) is acknowledged without
 * being handled again. Each document carries `expireAt`; a Firestore TTL policy on
 * that field (firestore.indexes.json `fieldOverrides`, README "Deploying") deletes it
 * after WEBHOOK_EVENT_TTL_MS. Server only: the rules deny every client access.
 */
import { createHash } from "node:crypto";
import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { at, timestampSchema } from "./job-shape";
import { zodConverter } from "./typed";

/** Longer than HeyGen's 24 h of redeliveries, with room for clock skew and late retries. */
export const WEBHOOK_EVENT_TTL_MS = 3 * 24 * 3600 * 1000;

export interface WebhookEventKey {
  /** `event-id` (Heygen-Event-Id or the body's event_id) or `type-video` (legacy fallback). */
  source: "event-id" | "type-video";
  key: string;
}

/** webhook_events/{sha256 of the key}. */
export const webhookEventSchema = z.object({
  source: z.enum(["event-id", "type-video"]),
  key: z.string(),
  event_type: z.string(),
  video_id: z.string().nullable(),
  /** What handling it came to (a video status or the reason it was ignored). */
  outcome: z.string(),
  received_at: timestampSchema,
  /** The TTL policy deletes the document after this. */
  expireAt: timestampSchema,
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

function webhookEventRef(db: Firestore, k: WebhookEventKey) {
  const id = createHash("sha256").update(`${k.source}:${k.key}`).digest("hex");
  return db.collection("webhook_events").doc(id).withConverter(zodConverter(webhookEventSchema));
}

export async function wasHandled(db: Firestore, k: WebhookEventKey): Promise<boolean> {
  return (await webhookEventRef(db, k).get()).exists;
}

export async function markHandled(
  db: Firestore,
  k: WebhookEventKey,
  event: { eventType: string; videoId: string | null; outcome: string },
  now: Date,
): Promise<void> {
  await webhookEventRef(db, k).set({
    source: k.source,
    key: k.key,
    event_type: event.eventType,
    video_id: event.videoId,
    outcome: event.outcome,
    received_at: at(now),
    expireAt: at(new Date(now.getTime() + WEBHOOK_EVENT_TTL_MS)),
  });
}
