/**
 * Pushes video events to the registered webhook endpoints, as HeyGen does (HeyGen's
 * webhook docs, legacy and v3): when a video reaches `completed` or `failed`,
 * a JSON `{event_type, event_data}` is POSTed to every endpoint subscribed to it,
 * signed with the endpoint's secret as hex HMAC-SHA256 of the raw body. Legacy
 * videos carry the `signature` header; v3 videos `Heygen-Signature`,
 * `Heygen-Timestamp` and `Heygen-Event-Id`. A delivery that is not answered 2xx
 * within 10 s is retried with exponential backoff (HeyGen: for up to 24 h; here a few
 * times, quickly).
 */
import { createHmac, randomUUID } from "node:crypto";
import type { SimModel, SimVideo } from "./model";

export interface WebhookDelivery {
  endpointId: string;
  eventType: string;
  videoId: string;
  attempt: number;
  /** HTTP status, or the network error's message. */
  result: number | string;
  /** The start of the endpoint's answer body. */
  answer?: string;
  /** When the POST was sent. */
  sentAt: number;
  /** When its answer (or the error) came back. */
  at: number;
}

export const WEBHOOK_RETRY_DELAYS_MS = [500, 1000, 2000, 4000];
const WATCH_INTERVAL_MS = 200;
const DELIVERY_TIMEOUT_MS = 10000;

export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  /** While paused (like endpoints HeyGen has disabled), events are not sent at all. */
  paused = false;
  /**
   * Extra copies of every event, each sent (same body, headers and event id) after the
   * previous one was answered 2xx: HeyGen's v3 webhook docs say duplicates happen.
   */
  duplicates = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly model: SimModel) {}

  /** Follows a new video until it is terminal, when some endpoint is registered. */
  watch(video: SimVideo): void {
    if (this.model.webhooks.size === 0) return;
    this.later(() => this.check(video), this.model.timings.videoPendingMs);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(fn: () => void, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private check(video: SimVideo): void {
    const status = this.model.videoStatus(video);
    if (status === "completed" || status === "failed") this.dispatch(video, status);
    else this.later(() => this.check(video), WATCH_INTERVAL_MS);
  }

  private dispatch(video: SimVideo, status: "completed" | "failed"): void {
    const eventType = status === "completed" ? "avatar_video.success" : "avatar_video.fail";
    const eventData =
      status === "completed"
        ? {
            video_id: video.id,
            url: this.model.signedMediaUrl(`/media/videos/${video.id}.mp4`),
            callback_id: video.callbackId,
            folder_id: video.folderId,
          }
        : {
            video_id: video.id,
            msg: video.failure?.message ?? "Video rendering failed",
            callback_id: video.callbackId,
          };
    if (this.paused) return;
    const raw = JSON.stringify({ event_type: eventType, event_data: eventData });
    const eventId = randomUUID();
    for (const endpoint of this.model.webhooks.values()) {
      if (endpoint.events && !endpoint.events.includes(eventType)) continue;
      const signature = createHmac("sha256", endpoint.secret).update(raw).digest("hex");
      const headers: Record<string, string> =
        video.api === "v3"
          ? {
              "Heygen-Signature": signature,
              "Heygen-Timestamp": String(Math.floor(Date.now() / 1000)),
              "Heygen-Event-Id": eventId,
            }
          : { signature };
      const event = { eventType, videoId: video.id };
      void this.send(endpoint, raw, headers, event, 0, this.duplicates);
    }
  }

  private async send(
    endpoint: { id: string; url: string },
    raw: string,
    headers: Record<string, string>,
    event: { eventType: string; videoId: string },
    attempt: number,
    copiesLeft = 0,
  ): Promise<void> {
    if (this.stopped) return;
    let result: number | string;
    let answer: string | undefined;
    const sentAt = Date.now();
    try {
      const res = await fetch(endpoint.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: raw,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      answer = (await res.text().catch(() => "")).slice(0, 500);
      result = res.status;
    } catch (err) {
      result = (err as Error).message;
    }
    this.deliveries.push({
      endpointId: endpoint.id,
      ...event,
      attempt,
      result,
      answer,
      sentAt,
      at: Date.now(),
    });
    const delivered = typeof result === "number" && result >= 200 && result < 300;
    if (delivered && copiesLeft > 0) {
      return void this.send(endpoint, raw, headers, event, 0, copiesLeft - 1);
    }
    if (!delivered && attempt < WEBHOOK_RETRY_DELAYS_MS.length) {
      this.later(
        () => void this.send(endpoint, raw, headers, event, attempt + 1, copiesLeft),
        WEBHOOK_RETRY_DELAYS_MS[attempt],
      );
    }
  }
}
