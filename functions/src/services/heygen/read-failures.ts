/**
 * What a failed HeyGen status read means for an unfinished video (the poller):
 * - not found (404, `video_not_found`…): the video is gone; it ends at once.
 * - unauthorized (401/403): ends only when the previous read of this video was refused
 *   too (a second read confirms it; a key being rotated is not a verdict);
 * - anything else (5xx, timeouts, malformed answers, 429): the next read backs off,
 *   1, 2, 4 … 30 minutes; the render deadline still applies (the caller checks it).
 */
import { HeygenError } from "../../clients/heygen/errors";
import { backoffMs, SWEEP_BACKOFF } from "../../clients/http/retry";
import { notFoundMessage, type VideoEndCode } from "../../store/project-video";

/** The poll back-off after a failed read (the video's `attempts` count the failures in a row). */
export interface PollBackoff {
  attempts: number;
  authFailures: number;
  nextAttemptAt: Date;
}

export type ReadFailureVerdict =
  { kind: "end"; code: VideoEndCode; message: string } | { kind: "retry"; fields: PollBackoff };

export function judgeReadFailure(
  err: unknown,
  video: { attempts: number; authFailures: number },
  videoId: string,
  now: Date,
): ReadFailureVerdict {
  const kind = err instanceof HeygenError ? err.kind : "upstream";
  if (kind === "not_found") {
    return { kind: "end", code: "VIDEO_NOT_FOUND", message: notFoundMessage(videoId) };
  }
  const authFailures = kind === "unauthorized" ? video.authFailures + 1 : 0;
  if (authFailures >= 2) {
    return {
      kind: "end",
      code: "VIDEO_ACCESS_DENIED",
      message:
        `HeyGen refused to show video ${videoId} twice (HTTP ${(err as HeygenError).status ?? 401}): ` +
        "the API key can no longer read it; generate it again.",
    };
  }
  const failures = video.attempts + 1;
  const waitMs = backoffMs(failures - 1, SWEEP_BACKOFF);
  return {
    kind: "retry",
    fields: {
      attempts: failures,
      authFailures,
      nextAttemptAt: new Date(now.getTime() + waitMs),
    },
  };
}
