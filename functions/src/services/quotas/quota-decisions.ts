/**
 * The quota decisions, from the counts a transaction just read: admit (the counts to
 * write) or refuse (the ApiError to throw, 429 with Retry-After until the window ends).
 * The transactions around them (video-quota.ts, avatar-job-quota.ts, rate-limit.ts)
 * only read the counters, call these and write what they answer.
 */
import type { QuotaConfig } from "../../config";
import { ApiError } from "../../errors";
import { dayWindow, minuteWindow } from "../../store/counter-windows";

export function quotaExceeded(
  message: string,
  details: Record<string, unknown>,
  retryAfterSeconds: number,
): ApiError {
  return new ApiError("QUOTA_EXCEEDED", message, {
    details,
    headers: { "Retry-After": String(retryAfterSeconds) },
  });
}

/** Videos counted today: the user's and the whole project's. */
export interface VideoCounts {
  user: number;
  project: number;
}

type VideoLimits = Pick<QuotaConfig, "videosPerUserPerDay" | "heygenVideosPerDay">;

/**
 * A new video: the counts with it reserved, or QUOTA_EXCEEDED when the user's daily
 * limit (checked first) or the project's daily budget is used up.
 */
export function reserveVideoDecision(
  used: VideoCounts,
  limits: VideoLimits,
  at: Date,
): VideoCounts {
  const { window, resetsInSeconds } = dayWindow(at);
  if (used.user >= limits.videosPerUserPerDay) {
    throw quotaExceeded(
      `You have started ${used.user} videos today, the daily limit; try again after midnight UTC.`,
      { scope: "user", limit: limits.videosPerUserPerDay, window },
      resetsInSeconds,
    );
  }
  if (used.project >= limits.heygenVideosPerDay) {
    throw quotaExceeded(
      "The service has used today's video budget; try again after midnight UTC.",
      { scope: "project", limit: limits.heygenVideosPerDay, window },
      resetsInSeconds,
    );
  }
  return { user: used.user + 1, project: used.project + 1 };
}

/** A video given back: each count one lower, or null (nothing to write) where it is 0 already. */
export function releaseVideoDecision(used: VideoCounts): {
  user: number | null;
  project: number | null;
} {
  return {
    user: used.user > 0 ? used.user - 1 : null,
    project: used.project > 0 ? used.project - 1 : null,
  };
}

type AvatarJobLimits = Pick<QuotaConfig, "avatarJobsPerUserPerDay" | "pendingAvatarJobsPerUser">;

/**
 * A new photoreal job: the user's daily count with it, or QUOTA_EXCEEDED when as many
 * jobs as allowed are pending (checked first: it lifts within minutes) or the day's jobs
 * are used up.
 */
export function admitAvatarJobDecision(
  used: { today: number; pending: number },
  limits: AvatarJobLimits,
  at: Date,
): number {
  const { window, resetsInSeconds } = dayWindow(at);
  if (used.pending >= limits.pendingAvatarJobsPerUser) {
    throw quotaExceeded(
      `You have ${used.pending} avatars in progress, the most at once; wait until one is done.`,
      { scope: "pending", limit: limits.pendingAvatarJobsPerUser },
      60,
    );
  }
  if (used.today >= limits.avatarJobsPerUserPerDay) {
    throw quotaExceeded(
      `You have started ${used.today} avatars today, the daily limit; try again after midnight UTC.`,
      { scope: "user", limit: limits.avatarJobsPerUserPerDay, window },
      resetsInSeconds,
    );
  }
  return used.today + 1;
}

/**
 * One more request in the minute of `at`: the minute's count with it, or RATE_LIMITED
 * (Retry-After: the seconds to the next minute) when `perMinute` were made already.
 */
export function rateLimitDecision(used: number, perMinute: number, at: Date, what: string): number {
  const { window, resetsInSeconds } = minuteWindow(at);
  if (used >= perMinute) {
    throw new ApiError(
      "RATE_LIMITED",
      `Too many ${what} requests (${perMinute} a minute); try again in ${resetsInSeconds} s.`,
      {
        details: { limit: perMinute, window },
        headers: { "Retry-After": String(resetsInSeconds) },
      },
    );
  }
  return used + 1;
}
