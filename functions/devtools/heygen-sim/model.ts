/**
 * State of the HeyGen simulator: assets, folders, photo-avatar groups and looks,
 * videos with their lifecycle, and the public catalogue. Time-based transitions are
 * computed when a resource is read, like a remote service that moved on meanwhile.
 */
import { createHmac, randomBytes } from "node:crypto";
import { renderVideo } from "./render";
import type { AudioUrlFetch } from "./audio-url";

export interface SimTimings {
  /** A new look stays pending this long. */
  lookReadyMs: number;
  videoPendingMs: number;
  videoProcessingMs: number;
  /** Lifetime of signed media URLs (HeyGen: 7 days). */
  urlTtlSeconds: number;
  /** Added before every API answer (network + server time of a remote API); 0 = none. */
  requestLatencyMs: number;
}

export const DEFAULT_TIMINGS: SimTimings = {
  lookReadyMs: 1500,
  videoPendingMs: 1000,
  videoProcessingMs: 2000,
  urlTtlSeconds: 7 * 24 * 3600,
  requestLatencyMs: 0,
};

export interface Asset {
  id: string;
  file: string;
  mime: string;
  size: number;
  fileType: "image" | "audio" | "video";
  imageKey?: string;
  createdAt: number;
}

export interface SimLook {
  id: string;
  groupId: string;
  name: string;
  imageAssetId: string;
  createdAt: number;
  failed?: string;
}

export interface SimVideo {
  id: string;
  api: "v2" | "v3";
  title: string;
  callbackId: string | null;
  folderId: string | null;
  imageFile: string | null;
  audioFile: string;
  /** The character's framing as the create sent it (v2 `avatar_style` / `talking_photo_style`). */
  framing?: { field: "avatar_style" | "talking_photo_style"; value: string } | null;
  createdAt: number;
  output: string;
  render: Promise<number | null> | null;
  durationSeconds: number | null;
  failure: { code: number | string; message: string } | null;
  renderError: string | null;
}

export const PUBLIC_AVATARS = [
  { id: "Daisy-inskirt-20220818", name: "Daisy", gender: "female" },
  { id: "Tyler-incasualsuit-20220721", name: "Tyler", gender: "male" },
  { id: "Anna_public_3_20240108", name: "Anna", gender: "female" },
];

export const PUBLIC_VOICES = Array.from({ length: 130 }, (_, i) => ({
  voice_id: `sim-voice-${String(i).padStart(3, "0")}`,
  name: `Voice ${i}`,
  language: i % 2 ? "English" : "German",
  gender: i % 3 ? "female" : "male",
  /** v3 lists which voices take a `locale` (legacy does not say). */
  support_locale: i % 4 === 0,
}));

export const newId = (): string => randomBytes(16).toString("hex");

export class SimModel {
  readonly assets = new Map<string, Asset>();
  readonly folders = new Map<string, { id: string; name: string; projectType: string }>();
  readonly groups = new Map<string, { id: string; name: string }>();
  readonly looks = new Map<string, SimLook>();
  readonly videos = new Map<string, SimVideo>();
  readonly webhooks = new Map<
    string,
    { id: string; url: string; events: string[] | null; secret: string }
  >();
  /**
   * When set, every endpoint registered gets this signing secret (a local stack whose
   * functions already hold it); otherwise a new `whsec_…` per endpoint, like HeyGen.
   */
  webhookSecret: string | null = null;
  /** Called for every new video (the webhook dispatcher follows it). */
  onVideoCreated: ((video: SimVideo) => void) | null = null;
  /** Every `audio_url` a video create made the simulator download (as HeyGen would). */
  readonly audioUrlFetches: AudioUrlFetch[] = [];
  /** Failure applied to the next videos created (e.g. 40119 "Video is too long"). */
  nextVideoFailure: { code: number | string; message: string } | null = null;
  /** Look-failure fault: the next looks created end `failed` with this message. */
  nextLookFailure: string | null = null;

  constructor(
    public timings: SimTimings,
    private readonly mediaDir: string,
    private readonly signingKey: string,
    private readonly baseUrl: () => string,
  ) {}

  /** A new video in its first state (the next-video failure applies); returns its id. */
  addVideo(
    input: Pick<
      SimVideo,
      "api" | "title" | "callbackId" | "folderId" | "imageFile" | "audioFile" | "framing"
    >,
  ): string {
    const id = newId();
    const video: SimVideo = {
      ...input,
      id,
      createdAt: Date.now(),
      output: this.videoFile(id),
      render: null,
      durationSeconds: null,
      failure: this.nextVideoFailure,
      renderError: null,
    };
    this.videos.set(id, video);
    this.onVideoCreated?.(video);
    return id;
  }

  addWebhook(url: string, events: string[] | null) {
    const endpoint = {
      id: newId(),
      url,
      events,
      secret: this.webhookSecret ?? `whsec_${randomBytes(24).toString("hex")}`,
    };
    this.webhooks.set(endpoint.id, endpoint);
    return endpoint;
  }

  lookStatus(look: SimLook, now = Date.now()): "pending" | "completed" | "failed" {
    if (look.failed) return "failed";
    return now - look.createdAt >= this.timings.lookReadyMs ? "completed" : "pending";
  }

  /** pending → processing → completed | failed, by elapsed time and render outcome. */
  videoStatus(v: SimVideo, now = Date.now()): string {
    const age = now - v.createdAt;
    if (age < this.timings.videoPendingMs)
      return v.api === "v3" && age < this.timings.videoPendingMs / 2 ? "waiting" : "pending";
    if (!v.render) {
      v.render = v.failure
        ? Promise.resolve(null)
        : renderVideo({ imageFile: v.imageFile, audioFile: v.audioFile, output: v.output }).then(
            (d) => (v.durationSeconds = d),
            (err: Error) => {
              v.renderError = err.message;
              return null;
            },
          );
    }
    if (age < this.timings.videoPendingMs + this.timings.videoProcessingMs) return "processing";
    if (v.failure) return "failed";
    if (v.renderError) {
      v.failure = { code: "rendering_failed", message: v.renderError };
      return "failed";
    }
    return v.durationSeconds !== null ? "completed" : "processing";
  }

  /** Waits for every render started so far (tests and shutdown). */
  async settle(): Promise<void> {
    await Promise.all([...this.videos.values()].map((v) => v.render));
  }

  videoFile(id: string): string {
    return `${this.mediaDir}/${id}.mp4`;
  }

  /** An unsigned link on the simulator's own host (the public catalogue's previews). */
  publicMediaUrl(pathname: string): string {
    return `${this.baseUrl()}${pathname}`;
  }

  /** CloudFront-style signed URL, re-signed on every call (Expires, Signature, Key-Pair-Id). */
  signedMediaUrl(pathname: string, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + this.timings.urlTtlSeconds;
    const signature = createHmac("sha256", this.signingKey)
      .update(`${pathname}:${expires}`)
      .digest("hex");
    return `${this.baseUrl()}${pathname}?Expires=${expires}&Signature=${signature}&Key-Pair-Id=SIMKEYPAIR`;
  }

  /** null when valid, else why it is refused. */
  checkSignedMediaUrl(pathname: string, query: URLSearchParams, now = Date.now()): string | null {
    const expires = Number(query.get("Expires"));
    const signature = query.get("Signature") ?? "";
    if (!expires || !signature) return "missing Expires or Signature";
    if (now / 1000 > expires) return "expired";
    const want = createHmac("sha256", this.signingKey)
      .update(`${pathname}:${expires}`)
      .digest("hex");
    return want === signature ? null : "bad signature";
  }
}
