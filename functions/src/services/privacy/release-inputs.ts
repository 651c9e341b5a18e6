/**
 * Retention of the talking-video inputs: the photos and voice recordings a user
 * uploaded under `users/{uid}/` are deleted once no unfinished video needs them.
 *
 * A project needs the objects it names (`avatarUrl`, `voiceUrl`) while
 * - a generate for it is running, or its video is still rendering at HeyGen; or
 * - its video is not completed and the project changed less than
 *   INPUT_RETENTION_HOURS ago: a failed or cancelled video can be tried again with
 *   the same files, a project just created is about to be generated.
 * A completed video needs nothing any more (a new generate of the project would
 * need new uploads). So:
 * - `releaseProjectInputs` (on_project_updated, when a video completes) deletes the
 *   project's inputs at once, unless another project of the user still needs them;
 * - `purgeUnusedInputs` (purge_unused_inputs, hourly) deletes every upload older
 *   than the window that no project needs: inputs of failed, cancelled and abandoned
 *   projects, files never used, and files named only in a generate request.
 * Uploads a user is generating from right now are never touched: a user with a
 * generate running is skipped until the next run.
 */
import type { File } from "@google-cloud/storage";
import type { AppContext } from "../../context";
import { getBucket } from "../../clients/storage/bucket";
import { log } from "../../logs";
import { leaseLive } from "../../store/job-shape";
import { isDeferred } from "../../store/project-generation";
import { projectsOfUser } from "../../store/project-queries";
import { videoInFlight } from "../../store/project-video";
import { generationState, getProject, videoState, type Project } from "../../store/projects";
import { forgetTimelinesAt } from "../../store/speech-timelines";
import { resolveStorageReference } from "../media/storage-reference";
import { isTimelineObject, timelinePathOf } from "../speech/timeline-paths";

const HOUR_MS = 3600_000;

/** The Storage paths a project names as its photo and voice (invalid references name nothing). */
export function projectInputPaths(app: AppContext, uid: string, p: Project): string[] {
  const paths: string[] = [];
  // A deferred generate reads the files its stored request names, too.
  const request = p.generation?.deferred?.request ?? {};
  const named = (v: unknown) => (typeof v === "string" ? v : undefined);
  for (const [field, value] of [
    ["avatarUrl", p.avatarUrl],
    ["voiceUrl", p.voiceUrl],
    ["userAvatarUrl", named(request.userAvatarUrl)],
    ["voiceUrl", named(request.voiceUrl)],
  ] as const) {
    if (!value) continue;
    try {
      const ref = resolveStorageReference(value, {
        bucket: app.config.storageBucket,
        uid,
        isEmulator: app.config.isEmulator,
        field,
      });
      paths.push(ref.path);
    } catch {
      // Not one of the user's files in this bucket: nothing of theirs to keep for it.
    }
  }
  return paths;
}

type Need = "running" | "kept" | "none";

/** Whether a project still needs its inputs, and why. */
function projectNeed(p: Project, changedAtMs: number, nowMs: number, windowMs: number): Need {
  if (videoState(p) === "completed") return "none";
  const submitting =
    generationState(p) === "submitting" && leaseLive(p.generation?.lease, new Date(nowMs));
  // Deferred: the background run reads the photo and voice when the look is ready
  // (also while a take-over of its expired lease is pending).
  if (submitting || isDeferred(p)) return "running";
  if (videoInFlight(p)) return "kept";
  return nowMs - changedAtMs < windowMs ? "kept" : "none";
}

interface UserInputs {
  /** Paths some project of the user still needs. */
  needed: Set<string>;
  /** A generate of the user is running: it may read files no project names. */
  generating: boolean;
}

async function userInputs(app: AppContext, uid: string, nowMs: number): Promise<UserInputs> {
  const windowMs = app.config.inputRetentionHours * HOUR_MS;
  const result: UserInputs = { needed: new Set(), generating: false };
  for (const { project: p, updateTime } of await projectsOfUser(app.db, uid)) {
    const need = projectNeed(p, updateTime.toMillis(), nowMs, windowMs);
    if (need === "running") result.generating = true;
    if (need === "none") continue;
    for (const path of projectInputPaths(app, uid, p)) {
      result.needed.add(path);
      // The recording's speech timeline lives as long as the recording.
      result.needed.add(timelinePathOf(path));
    }
  }
  return result;
}

/**
 * Whether an unfinished video of the user still needs this upload (a project names it,
 * or a generate of the user is running and may read it).
 */
export async function inputNeededByVideo(
  app: AppContext,
  uid: string,
  path: string,
): Promise<boolean> {
  const { needed, generating } = await userInputs(app, uid, app.clock.now().getTime());
  return generating || needed.has(path);
}

/**
 * A video completed: its photo and recording are deleted unless another project of
 * the user still needs them. Returns the deleted paths.
 */
export async function releaseProjectInputs(app: AppContext, projectId: string): Promise<string[]> {
  const project = await getProject(app.db, projectId);
  if (!project || videoState(project) !== "completed") return [];
  const uid = project.userId;
  const own = projectInputPaths(app, uid, project);
  if (own.length === 0) return [];
  const { needed } = await userInputs(app, uid, app.clock.now().getTime());
  const bucket = getBucket(app.config.storageBucket);
  const deleted: string[] = [];
  for (const path of own) {
    if (needed.has(path)) continue;
    await bucket.file(path).delete({ ignoreNotFound: true });
    deleted.push(path);
  }
  if (deleted.length > 0) log.info("video completed: its inputs deleted", { projectId, deleted });
  return deleted;
}

const uidOf = (name: string): string | null => /^users\/([^/]+)\//.exec(name)?.[1] ?? null;

function ageMs(file: File, nowMs: number): number {
  const stamp = file.metadata.updated ?? file.metadata.timeCreated;
  const at = stamp ? Date.parse(String(stamp)) : NaN;
  return Number.isNaN(at) ? 0 : nowMs - at;
}

/**
 * `purge_unused_inputs` (scheduled): every upload under `users/` older than the
 * window that no project needs is deleted. Stops taking work when the budget is spent;
 * the next run goes on.
 */
export async function purgeUnusedInputs(
  app: AppContext,
  opts: { budgetMs: number },
): Promise<{ deleted: number; kept: number; usersSkipped: number }> {
  const started = Date.now();
  const nowMs = app.clock.now().getTime();
  const windowMs = app.config.inputRetentionHours * HOUR_MS;
  const bucket = getBucket(app.config.storageBucket);
  const report = { deleted: 0, kept: 0, usersSkipped: 0 };
  const users = new Map<string, UserInputs>();
  let pageToken: string | undefined;
  do {
    const [files, next] = await bucket.getFiles({
      prefix: "users/",
      autoPaginate: false,
      maxResults: 500,
      pageToken,
    });
    pageToken = (next as { pageToken?: string } | null)?.pageToken;
    for (const file of files) {
      const uid = uidOf(file.name);
      if (!uid || ageMs(file, nowMs) < windowMs) {
        report.kept++;
        continue;
      }
      let inputs = users.get(uid);
      if (!inputs) {
        inputs = await userInputs(app, uid, nowMs);
        users.set(uid, inputs);
        if (inputs.generating) report.usersSkipped++;
      }
      if (inputs.generating || inputs.needed.has(file.name)) {
        report.kept++;
        continue;
      }
      await file.delete({ ignoreNotFound: true });
      if (isTimelineObject(file.name)) await forgetTimelinesAt(app.db, uid, [file.name]);
      report.deleted++;
    }
  } while (pageToken && Date.now() - started < opts.budgetMs);
  log.info("unused inputs purged", { ...report, ms: Date.now() - started });
  return report;
}
