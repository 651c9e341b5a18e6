/**
 * `poll_heygen_videos`: moves unfinished videos to their HeyGen state and refreshes
 * completed videos' URLs before their `Expires`. Bounded concurrency, pagination,
 * and a time budget: what one run does not reach, the next run reaches, oldest first.
 * Safe to run twice at once: every write is a transaction guarded by the video id,
 * and nothing is written when nothing changed.
 */
import type { Query, QueryDocumentSnapshot } from "firebase-admin/firestore";
import type { AppContext } from "../../context";
import { HeygenError } from "../../clients/heygen/errors";
import type { HeygenClient, VideoDetails } from "../../clients/heygen";
import { log } from "../../logs";
import { projectSchema, type Project } from "../../store/projects";
import {
  endVideo as endProjectVideo,
  isTerminalVideoStatus,
  NO_BACKOFF,
  recordPollBackoff,
  recordStatus,
  VIDEO_TERMINAL,
} from "../../store/project-video";
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
  const { pollConcurrency, renderDeadlineMinutes, urlRefreshMarginMinutes } = app.config.heygen;
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

  const visit = async (doc: QueryDocumentSnapshot, refresh: boolean) => {
    const parsed = projectSchema.safeParse(doc.data());
    if (!parsed.success || !parsed.data.heygenVideoId) return;
    const p = parsed.data;
    const videoId = p.heygenVideoId as string;
    const now = app.clock.now();
    const submitted = (p.heygenSubmittedAt ?? p.updatedAt)?.toDate();
    const overdue =
      !refresh &&
      submitted !== undefined &&
      now.getTime() - submitted.getTime() > renderDeadlineMinutes * 60000;
    // Backing off after failed reads: not read now, but the deadline still ends it.
    if (!refresh && (p.pollNextAttemptAt?.toMillis() ?? 0) > now.getTime()) {
      if (overdue) await endVideo(doc.id, videoId, deadlineError, now);
      return;
    }
    report.checked++;
    let details: VideoDetails;
    try {
      // Each video is read with the API it was created with.
      details = await (opts.client ?? heygenClientFor(app, p.heygenApiVersion)).getVideo(videoId);
    } catch (err) {
      report.transientErrors++;
      log.warn("poller: HeyGen status unavailable", { projectId: doc.id, videoId, error: err });
      if (refresh) return; // a completed video keeps its state; its URL is refreshed later
      if (err instanceof HeygenError && err.kind === "rate_limited") {
        rateLimitedUntil = Date.now() + (err.retryAfterSeconds ?? 30) * 1000;
      } else {
        const verdict = judgeReadFailure(err, p, videoId, now);
        if (verdict.kind === "end") return endVideo(doc.id, videoId, verdict, now);
        await recordPollBackoff(app.db, doc.id, videoId, verdict.fields);
      }
      if (overdue) await endVideo(doc.id, videoId, deadlineError, now);
      return;
    }
    if (p.pollFailures || p.pollAuthFailures || p.pollNextAttemptAt) {
      await recordPollBackoff(app.db, doc.id, videoId, NO_BACKOFF);
    }
    if (changed(p, details)) {
      const { applied } = await recordStatus(app.db, doc.id, videoId, details, now);
      if (applied) report[refresh ? "refreshed" : "updated"]++;
    }
    if (overdue && !isTerminalVideoStatus(details.status)) {
      await endVideo(doc.id, videoId, deadlineError, now);
    }
  };

  const pageSize = opts.pageSize ?? 100;
  const runQuery = async (
    build: (after: QueryDocumentSnapshot | null) => Query,
    refresh: boolean,
  ) => {
    let after: QueryDocumentSnapshot | null = null;
    while (!outOfTime()) {
      const snap = await build(after).limit(pageSize).get();
      await forEachLimited(snap.docs, pollConcurrency, outOfTime, (d) => visit(d, refresh));
      if (snap.size < pageSize) return;
      after = snap.docs[snap.docs.length - 1];
    }
  };

  const projects = app.db.collection("projects");
  // Unfinished videos, any non-terminal status (pending, processing, waiting, unknown).
  await runQuery((after) => {
    let q = projects
      .where("heygenStatus", "not-in", [...VIDEO_TERMINAL])
      .orderBy("heygenStatus")
      .orderBy("updatedAt");
    if (after) q = q.startAfter(after);
    return q;
  }, false);
  // Completed videos whose signed URL expires soon.
  const horizon = new Date(app.clock.now().getTime() + urlRefreshMarginMinutes * 60000);
  await runQuery((after) => {
    let q = projects
      .where("heygenStatus", "==", "completed")
      .where("videoUrlExpiresAt", "<=", horizon)
      .orderBy("videoUrlExpiresAt");
    if (after) q = q.startAfter(after);
    return q;
  }, true);
  // Archival retries (and finished videos the trigger missed), oldest due first.
  let after: QueryDocumentSnapshot | null = null;
  while (!outOfTime()) {
    let q = projects
      .where("archiveState", "in", ["pending", "failed", "running"])
      .where("archiveNextAttemptAt", "<=", app.clock.now())
      .orderBy("archiveNextAttemptAt");
    if (after) q = q.startAfter(after);
    const snap = await q.limit(pageSize).get();
    await forEachLimited(snap.docs, Math.min(2, pollConcurrency), outOfTime, async (d) => {
      if ((await archiveVideo(app, d.id, { client: opts.client })) === "archived")
        report.archived++;
    });
    if (snap.size < pageSize) break;
    after = snap.docs[snap.docs.length - 1];
  }
  report.stoppedEarly = outOfTime();
  log.info("poller run finished", { ...report, ms: Date.now() - started });
  return report;
}
