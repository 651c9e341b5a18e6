/**
 * Which keys a HeyGen webhook delivery is deduplicated by. Pure: no I/O.
 *
 * The signature covers the raw body only. `Heygen-Event-Id` and `Heygen-Timestamp` are
 * headers, unsigned, and a legacy delivery (`signature`) needs no timestamp at all, so
 * whoever captured one signed body can send it again with any headers. A replay is
 * therefore recognised by what the signature covers: the body's `event_id`, else the
 * event type + video id. The header is only an extra key (a redelivery whose body
 * changed but whose delivery id did not); it never replaces the body's key.
 */
import type { WebhookEventKey } from "../../store/webhook-events";

/** The parts of a parsed event the keys come from. */
export interface DedupeInput {
  eventType: string;
  /** The body's `event_id`, when the event carries one. */
  eventId?: string;
  videoId?: string;
  /** The `Heygen-Event-Id` header, when the delivery carries one. */
  deliveryId?: string;
}

/**
 * The keys, the signed one first. Empty when the body names neither an event id nor a
 * video (nothing handled twice could do harm: such events are ignored).
 */
export function webhookDedupeKeys(input: DedupeInput): WebhookEventKey[] {
  const keys: WebhookEventKey[] = [];
  const eventId = input.eventId?.trim();
  const videoId = input.videoId?.trim();
  if (eventId) keys.push({ source: "event-id", key: eventId });
  else if (videoId) keys.push({ source: "type-video", key: `${input.eventType}:${videoId}` });
  const delivery = input.deliveryId?.trim();
  if (delivery && delivery !== eventId) keys.push({ source: "delivery-id", key: delivery });
  return keys;
}
