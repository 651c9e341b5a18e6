/**
 * webhook_events/{sha256 of the event key}: HeyGen events already handled, so a
 * redelivery (HeyGen retries for 24 h and sends duplicates) is acknowledged without
 * being handled again. Each document carries `expireAt`; a Firestore TTL policy on
 * that field (firestore.indexes.json `fieldOverrides`, README "Deploying") deletes it
 * after WEBHOOK_EVENT_TTL_MS. Server only: the rules deny every client access.
 */
import { createHash } from "node:crypto";
import type { DocumentReference, Firestore } from "firebase-admin/firestore";

/** Longer than HeyGen's 24 h of redeliveries, with room for clock skew and late retries. */
export const WEBHOOK_EVENT_TTL_MS = 3 * 24 * 3600 * 1000;

export interface WebhookEventKey {
  /** `event-id` (Heygen-Event-Id or the body's event_id) or `type-video` (legacy fallback). */
  source: "event-id" | "type-video";
  key: string;
}

export function webhookEventRef(db: Firestore, k: WebhookEventKey): DocumentReference {
  const id = createHash("sha256").update(`${k.source}:${k.key}`).digest("hex");
  return db.collection("webhook_events").doc(id);
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
    received_at: now,
    expireAt: new Date(now.getTime() + WEBHOOK_EVENT_TTL_MS),
  });
}
