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

/**
 * What an event is known by: `event-id` (the body's event_id) or `type-video` (event
 * type + video id, when the body has no event_id), both covered by the signature; and
 * `delivery-id` (the unsigned Heygen-Event-Id header), only ever an extra key.
 */
export const WEBHOOK_KEY_SOURCES = ["event-id", "type-video", "delivery-id"] as const;

export interface WebhookEventKey {
  source: (typeof WEBHOOK_KEY_SOURCES)[number];
  key: string;
}

/** webhook_events/{sha256 of the key}. */
export const webhookEventSchema = z.object({
  source: z.enum(WEBHOOK_KEY_SOURCES),
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

/** The first of the keys an event already handled was recorded under, or null. */
export async function wasHandled(
  db: Firestore,
  keys: readonly WebhookEventKey[],
): Promise<WebhookEventKey | null> {
  if (keys.length === 0) return null;
  const snaps = await db.getAll(...keys.map((k) => webhookEventRef(db, k)));
  const i = snaps.findIndex((s) => s.exists);
  return i < 0 ? null : keys[i];
}

/** Records the event as handled under each of its keys (one batch). */
export async function markHandled(
  db: Firestore,
  keys: readonly WebhookEventKey[],
  event: { eventType: string; videoId: string | null; outcome: string },
  now: Date,
): Promise<void> {
  const batch = db.batch();
  for (const k of keys) {
    batch.set(webhookEventRef(db, k), {
      source: k.source,
      key: k.key,
      event_type: event.eventType,
      video_id: event.videoId,
      outcome: event.outcome,
      received_at: at(now),
      expireAt: at(new Date(now.getTime() + WEBHOOK_EVENT_TTL_MS)),
    });
  }
  await batch.commit();
}
