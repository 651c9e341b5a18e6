/**
 * `poll_heygen_videos`: moves unfinished videos to their HeyGen state and refreshes
 * completed videos' URLs before their `Expires`. Bounded concurrency, pagination,
 * and a time budget: what one run does not reach, the next run reaches, oldest first.
 * Safe to run twice at once: every write is a transaction guarded by the video id,
 * and nothing is written when nothing changed.
 */
import type { QueryDocumentSnapshot } from "firebase-admin/firestore";
import type { AppContext } from "../../context";
import { HeygenError } from "../../clients/heygen/errors";
import type { HeygenClient, VideoDetails } from "../../clients/heygen";
import { log } from "../../logs";
import { archiveState, type Project } from "../../store/projects";
import {
  dueArchives,
  unfinishedVideos,
  type ProjectDoc,
  type ProjectPage,
} from "../../store/project-queries";
import {
  endVideo as endProjectVideo,
  isTerminalVideoStatus,
  recordReadFailure,
} from "../../store/project-video";
import { recordVideoStatus } from "./record-video-status";
import { clearUrlRefresh, dueUrlRefreshes } from "../../store/url-refresh";
import { heygenClientFor } from "./client";
import { judgeReadFailure } from "./read-failures";
import { archiveVideo } from "./archive-video";

export interface PollOptions {
  budgetMs: number;
  pageSize?: number;
  client?: HeygenClient;
}

export interface PollReport {
  checked: number;
  updated: number;
  refreshed: number;
  deadlineFailed: number;
  /** Videos ended because HeyGen no longer knows them or refuses to show them. */
  ended: number;
  archived: number;
  transientErrors: number;
  stoppedEarly: boolean;
}

function changed(p: Project, d: VideoDetails): boolean {
  return (
    p.heygenStatus !== d.status ||
    (p.videoUrl ?? null) !== d.videoUrl ||
    (p.thumbnailUrl ?? null) !== d.thumbnailUrl ||
    (p.durationSeconds ?? null) !== d.durationSeconds
  );
}

/** Runs `fn` over items with at most `limit` at once; stops taking new items when `stop()`. */
async function forEachLimited<T>(
  items: T[],
  limit: number,
  stop: () => boolean,
  fn: (t: T) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function pollHeygenVideos(app: AppContext, opts: PollOptions): Promise<PollReport> {
  const started = Date.now();
  const { pollConcurrency, renderDeadlineMinutes } = app.config.heygen;
  const report: PollReport = {
    checked: 0,
    updated: 0,
    refreshed: 0,
    deadlineFailed: 0,
    ended: 0,
    archived: 0,
    transientErrors: 0,
    stoppedEarly: false,
  };
  let rateLimitedUntil = 0;
  const outOfTime = () => Date.now() - started > opts.budgetMs || Date.now() < rateLimitedUntil;

  const deadlineError = {
    code: "RENDER_DEADLINE" as const,
    message: `HeyGen did not finish the video within ${renderDeadlineMinutes} minutes; generate it again.`,
  };
  const endVideo = async (
    id: string,
    videoId: string,
    error: Parameters<typeof endProjectVideo>[3],
    now: Date,
  ) => {
    if (!(await endProjectVideo(app.db, id, videoId, error, now))) return;
    if (error.code === "RENDER_DEADLINE") report.deadlineFailed++;
    else report.ended++;
    log.warn("poller: video ended", { projectId: id, videoId, code: error.code });
  };

  const visit = async ({ id, project: p }: ProjectDoc, refresh: boolean) => {
    if (!p.heygenVideoId || !p.video) return;
    const videoId = p.heygenVideoId;
    const video = p.video;
    if (refresh && (video.state !== "completed" || archiveState(p) === "done")) {
      return clearUrlRefresh(app.db, id); // archived or no longer completed: nothing to renew
    }
    const now = app.clock.now();
    const overdue =
      !refresh && now.getTime() - video.submittedAt.toMillis() > renderDeadlineMinutes * 60000;
    // Backing off after failed reads: not read now, but the deadline still ends it.
    if (!refresh && (video.nextAttemptAt?.toMillis() ?? 0) > now.getTime()) {
      if (overdue) await endVideo(id, videoId, deadlineError, now);
      return;
    }
    report.checked++;
    let details: VideoDetails;
    try {
      // Each video is read with the API it was created with.
      details = await (opts.client ?? heygenClientFor(app, video.apiVersion)).getVideo(videoId);
    } catch (err) {
      report.transientErrors++;
      log.warn("poller: HeyGen status unavailable", { projectId: id, videoId, error: err });
      if (refresh) return; // a completed video keeps its state; its URL is refreshed later
      if (err instanceof HeygenError && err.kind === "rate_limited") {
        rateLimitedUntil = Date.now() + (err.retryAfterSeconds ?? 30) * 1000;
      } else {
        const verdict = judgeReadFailure(err, video, videoId, now);
        if (verdict.kind === "end") return endVideo(id, videoId, verdict, now);
        await recordReadFailure(app.db, id, videoId, verdict.fields, now);
      }
      if (overdue) await endVideo(id, videoId, deadlineError, now);
      return;
    }
    // A good read ends the back-off; nothing is written when nothing changed, except
    // that a refresh always writes when the URL is to be renewed next.
    const backingOff = video.attempts > 0 || video.authFailures > 0 || !!video.nextAttemptAt;
    const news = changed(p, details);
    if (news || backingOff || refresh) {
      const { applied } = await recordVideoStatus(app, id, videoId, details, now);
      if (applied && news) report[refresh ? "refreshed" : "updated"]++;
    }
    if (overdue && !isTerminalVideoStatus(details.status)) {
      await endVideo(id, videoId, deadlineError, now);
    }
  };

  const pageSize = opts.pageSize ?? 100;
  const runPages = async (
    next: (after: QueryDocumentSnapshot<Project> | null) => Promise<ProjectPage>,
    concurrency: number,
    fn: (d: ProjectDoc) => Promise<void>,
  ) => {
    let after: QueryDocumentSnapshot<Project> | null = null;
    while (!outOfTime()) {
      const page = await next(after);
      await forEachLimited(page.items, concurrency, outOfTime, fn);
      if (!page.next) return;
      after = page.next;
    }
  };

  // Unfinished videos (pending or processing, whatever HeyGen calls it).
  await runPages(
    (after) => unfinishedVideos(app.db, pageSize, after),
    pollConcurrency,
    (d) => visit(d, false),
  );
  // Completed videos whose URL renewal is due (never archived ones: store/url-refresh.ts).
  await runPages(
    (after) => dueUrlRefreshes(app.db, app.clock.now(), pageSize, after),
    pollConcurrency,
    (d) => visit(d, true),
  );
  // Archival retries (and finished videos the trigger missed), oldest due first.
  await runPages(
    (after) => dueArchives(app.db, app.clock.now(), pageSize, after),
    Math.min(2, pollConcurrency),
    async ({ id }) => {
      if ((await archiveVideo(app, id, { client: opts.client })) === "archived") report.archived++;
    },
  );
  report.stoppedEarly = outOfTime();
  log.info("poller run finished", { ...report, ms: Date.now() - started });
  return report;
}
