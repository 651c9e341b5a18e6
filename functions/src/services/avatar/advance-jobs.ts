/**
 * `advance_avatar_jobs` (scheduled every minute): mirrors each processing job's
 * provider status and progress, stores the finished GLB at
 * `avatars/{assetId}/model.glb` with its `avatar_assets` document and blendshape map,
 * deletes the selfie, and ends jobs that failed or passed their deadline.
 *
 * Why a scheduler rather than a task queue: a job needs many polls over minutes, a
 * lost task would strand it, and one bounded sweep per minute is easy to reason
 * about; the sweep itself is idempotent (asset id = job id, claims with leases).
 */
import { createReadStream, promises as fsp } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { QueryDocumentSnapshot } from "firebase-admin/firestore";
import type { AppContext } from "../../context";
import { getBucket } from "../../clients/storage/bucket";
import { ProviderError, type PhotorealProvider } from "../../clients/providers";
import { backoffMs, SWEEP_BACKOFF } from "../../clients/http/retry";
import { log } from "../../logs";
import {
  CONSENT_CANCELLED_MESSAGE,
  jobSchema,
  jobsCollection,
  type AvatarJob,
} from "../../store/avatar-jobs";
import {
  claimFinalize,
  endJob,
  markJobDone,
  postponeCheck,
  recordCheck,
  recordProgress,
  releaseFinalize,
  scheduleCheck,
} from "../../store/avatar-job-lifecycle";
import { missingConsent } from "../consent/guard";
import { deleteSelfie } from "./selfie";
import { TempDir } from "../media/prepare";
import { buildBlendshapeMap } from "./blendshapes";
import { inspectGlb } from "./glb";
import { providerFor, submitAvatarJob, userMessage } from "./submit-job";

export interface AdvanceReport {
  checked: number;
  progressed: number;
  done: number;
  failed: number;
  submitted: number;
  cancelled: number;
  transientErrors: number;
}

/** A submission that never recorded the provider's id within this time was interrupted. */
const SUBMIT_STALE_MS = 10 * 60 * 1000;

export const assetStorageKey = (assetId: string): string => `avatars/${assetId}/model.glb`;

async function end(
  app: AppContext,
  jobId: string,
  status: "error" | "cancelled",
  message: string,
): Promise<void> {
  const event = status === "error" ? "fail" : "cancel";
  const ended = await endJob(app.db, jobId, event, message, app.clock.now());
  // No job needs the selfie once it has ended, whichever way (retention).
  if (ended.selfiePath) await deleteSelfie(app, ended.selfiePath);
}

const fail = (app: AppContext, jobId: string, message: string) => end(app, jobId, "error", message);

async function finalize(
  app: AppContext,
  provider: PhotorealProvider,
  jobId: string,
  job: AvatarJob,
): Promise<boolean> {
  const token = await claimFinalize(app.db, jobId, app.clock.now());
  if (!token) return false;
  const assetId = jobId; // one asset per job: a repeated finalisation rewrites the same files
  const tmp = await TempDir.create();
  try {
    const model = await provider.download(job.provider_job_id as string, tmp.dir);
    const bytes = await fsp.readFile(model.glbPath); // glTF parsing needs the whole file
    const info = await inspectGlb(bytes);
    const map = buildBlendshapeMap([...info.targetNames, ...(model.poseNames ?? [])]);
    // blendshapes "basic" asks for visemes only: the mouth then moves by its `aa`, not jawOpen.
    const basic = job.options.blendshapes === "basic";
    if (!map.arkit.jawOpen && !(basic && map.visemes.aa)) {
      await fail(
        app,
        jobId,
        basic
          ? "The provider's model has no lip-sync visemes (aa is missing); try again."
          : "The provider's model has no facial blendshapes (jawOpen is missing); try again.",
      );
      return false;
    }
    const bucket = getBucket(app.config.storageBucket);
    await pipeline(
      createReadStream(model.glbPath),
      bucket
        .file(assetStorageKey(assetId))
        .createWriteStream({ resumable: false, contentType: "model/gltf-binary" }),
    );
    const now = app.clock.now();
    await app.db
      .collection("avatar_assets")
      .doc(assetId)
      .set({
        user_id: job.user_id,
        job_id: jobId,
        provider: provider.name,
        storage_key: assetStorageKey(assetId),
        // Retention: the GLB is purged after MEDIA_RETENTION_DAYS (purge_expired_media).
        retain_until: new Date(now.getTime() + app.config.mediaRetentionDays * 86400000),
        blendshape_map: map,
        meshes: info.meshes.map((m) => ({ mesh: m.mesh, morphTargets: m.targetNames.length })),
        created_at: now,
      });
    // Refused when this run's lease expired and another run took the job over.
    if (!(await markJobDone(app.db, jobId, token, { assetId, now }))) return false;
    if (job.selfie_path) await deleteSelfie(app, job.selfie_path);
    log.info("avatar job done", { jobId, assetId, arkit: Object.keys(map.arkit).length });
    return true;
  } catch (err) {
    if (err instanceof ProviderError && err.transient) {
      await releaseFinalize(app.db, jobId, token, app.clock.now());
      throw err;
    }
    await fail(
      app,
      jobId,
      err instanceof ProviderError
        ? userMessage(err)
        : "The provider returned an unusable model; try again.",
    );
    log.warn("avatar job finalisation failed", { jobId, error: err });
    return false;
  } finally {
    await tmp.dispose();
  }
}

export async function advanceAvatarJobs(
  app: AppContext,
  opts: { budgetMs: number; provider?: PhotorealProvider; batchSize?: number },
): Promise<AdvanceReport> {
  const started = Date.now();
  const provider = opts.provider ?? providerFor(app);
  const report: AdvanceReport = {
    checked: 0,
    progressed: 0,
    done: 0,
    failed: 0,
    submitted: 0,
    cancelled: 0,
    transientErrors: 0,
  };
  const jobs = jobsCollection(app.db);
  const now = app.clock.now().getTime();
  const deadlineMs = app.config.provider.jobDeadlineMinutes * 60000;
  const outOfTime = () => Date.now() - started > opts.budgetMs;
  const deadlineMessage = `The avatar took longer than ${app.config.provider.jobDeadlineMinutes} minutes; try again.`;

  // Queued jobs the trigger could not submit (rate limited, or a lost event).
  const queued = await jobs.where("status", "==", "queued").orderBy("updated_at").limit(50).get();
  for (const doc of queued.docs) {
    if (outOfTime()) break;
    const parsed = jobSchema.safeParse(doc.data());
    if (!parsed.success) continue;
    const createdMs = parsed.data.created_at?.toMillis() ?? now;
    // A job the provider never accepted (rate limited again and again) ends by its deadline too.
    if (now - createdMs > deadlineMs) {
      await fail(app, doc.id, deadlineMessage);
      report.failed++;
      continue;
    }
    const due = parsed.data.next_attempt_at?.toMillis() ?? createdMs + 60000;
    if (due > now) continue;
    const outcome = await submitAvatarJob(app, doc.id, provider);
    if (outcome === "submitted") report.submitted++;
    if (outcome === "cancelled") report.cancelled++;
  }

  // Consent is read once per user per sweep; a withdrawn consent cancels the job
  // before any further provider call.
  const consentOk = new Map<string, Promise<boolean>>();
  const hasConsent = (uid: string): Promise<boolean> => {
    let known = consentOk.get(uid);
    if (!known) {
      known = missingConsent(app, uid, ["avatar_3d"]).then((m) => m.length === 0);
      consentOk.set(uid, known);
    }
    return known;
  };

  const batch = opts.batchSize ?? 100;
  const nowDate = new Date(now);
  const visit = async (doc: QueryDocumentSnapshot) => {
    const parsed = jobSchema.safeParse(doc.data());
    if (!parsed.success) return;
    const job = parsed.data;
    const overdue = now - (job.created_at?.toMillis() ?? now) > deadlineMs;
    const createdMs = job.created_at?.toMillis() ?? now;
    if (!(await hasConsent(job.user_id))) {
      await end(app, doc.id, "cancelled", CONSENT_CANCELLED_MESSAGE);
      report.cancelled++;
      return;
    }
    // PROVIDER changed while this job was in flight: only its own provider knows the
    // job id, so it is never asked of this one; it ends at the deadline.
    const foreign = job.provider !== provider.name;
    if (foreign && !overdue) {
      await scheduleCheck(app.db, doc.id, new Date(createdMs + deadlineMs + 1000));
      return;
    }
    if (!foreign) report.checked++;
    if (overdue) {
      await fail(
        app,
        doc.id,
        foreign
          ? `This avatar was being made by ${job.provider}, which this service no longer uses; create a new job.`
          : deadlineMessage,
      );
      report.failed++;
      return;
    }
    if (!job.provider_job_id) {
      const staleAt = (job.updated_at?.toMillis() ?? now) + SUBMIT_STALE_MS;
      if (now > staleAt) {
        await fail(
          app,
          doc.id,
          "The submission to the avatar provider was interrupted; create a new job.",
        );
        report.failed++;
      } else await postponeCheck(doc, new Date(staleAt + 1000));
      return;
    }
    try {
      const status = await provider.status(job.provider_job_id);
      // Checked now: behind every job that waits longer (fair order of next_check_at).
      await recordCheck(app.db, doc.id, nowDate);
      if (status.state === "error") {
        await fail(app, doc.id, status.error ?? "The avatar provider could not make this avatar.");
        report.failed++;
      } else if (status.state === "done") {
        if (await finalize(app, provider, doc.id, job)) report.done++;
      } else if (status.progress > job.progress) {
        if (await recordProgress(app.db, doc.id, status.progress, app.clock.now()))
          report.progressed++;
      }
    } catch (err) {
      // A refusal (401/403) ends the job only when the next read confirms it.
      const refusedOnce =
        err instanceof ProviderError && err.kind === "unauthorized" && !job.auth_failures;
      if (refusedOnce) {
        await scheduleCheck(app.db, doc.id, new Date(now + 60000), { auth_failures: 1 });
        report.transientErrors++;
        log.warn("avatar job status refused once; read again later", { jobId: doc.id });
      } else if (err instanceof ProviderError && !err.transient) {
        await fail(app, doc.id, userMessage(err));
        report.failed++;
      } else {
        report.transientErrors++;
        // Back off: 1, 2, 4 … 30 minutes between checks while the provider keeps failing.
        const failures = (job.transient_failures ?? 0) + 1;
        const waitMs = backoffMs(failures - 1, SWEEP_BACKOFF);
        await scheduleCheck(app.db, doc.id, new Date(now + waitMs), {
          transient_failures: failures,
        });
        log.warn("avatar job status unavailable; retried later", {
          jobId: doc.id,
          waitMin: waitMs / 60000,
          error: err,
        });
      }
    }
  };

  // Due jobs, the longest waiting first, page by page (cursor) within the budget: jobs
  // backing off have a later next_check_at and never hold a new job back.
  let cursor: QueryDocumentSnapshot | null = null;
  while (!outOfTime()) {
    let q = jobs
      .where("status", "==", "processing")
      .where("next_check_at", "<=", nowDate)
      .orderBy("next_check_at")
      .limit(batch);
    if (cursor) q = q.startAfter(cursor);
    const page = await q.get();
    for (const doc of page.docs) {
      if (outOfTime()) break;
      await visit(doc);
    }
    if (page.size < batch) break;
    cursor = page.docs[page.docs.length - 1];
  }
  // Deadline net, oldest first: ends overdue jobs whatever their next check (overdue
  // jobs are the oldest, so this page always moves), and gives a job from before
  // next_check_at existed its first one.
  const oldest = await jobs
    .where("status", "==", "processing")
    .orderBy("created_at")
    .limit(batch)
    .get();
  for (const doc of oldest.docs) {
    if (outOfTime()) break;
    const parsed = jobSchema.safeParse(doc.data());
    if (!parsed.success) continue;
    const createdMs = parsed.data.created_at?.toMillis() ?? now;
    if (now - createdMs > deadlineMs) await visit(doc);
    else if (parsed.data.next_check_at === undefined) await scheduleCheck(app.db, doc.id, nowDate);
  }
  log.info("avatar job sweep finished", { ...report, ms: Date.now() - started });
  return report;
}
