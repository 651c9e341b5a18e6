/**
 * `on_avatar_job_created`: submits the selfie to the provider once. The claim
 * (queued → processing under the submission's lease, written only if the job is as it
 * was read) makes a redelivered event exit without a second submission; the provider is
 * called outside it and the outcome written by the job's transitions
 * (store/avatar-job-lifecycle.ts). A 429 puts the job back in the queue for the sweep;
 * any other failure ends the job with a message the user can act on (a 5xx is not
 * retried: the provider may have created the avatar, and it has no idempotency key).
 */
import type { AppContext } from "../../context";
import { secrets } from "../../config";
import { getBucket } from "../../clients/storage/bucket";
import { createProvider, ProviderError, type PhotorealProvider } from "../../clients/providers";
import { retryWaitMs } from "../../clients/http/retry";
import { log } from "../../logs";
import type { Transaction } from "firebase-admin/firestore";
import { CONSENT_CANCELLED_MESSAGE, markProviderDeleted, readJob } from "../../store/avatar-jobs";
import {
  claimJobSubmit,
  endJob,
  failJob,
  recordProviderJob,
  requeueJob,
  type JobRead,
} from "../../store/avatar-job-lifecycle";
import { getConsentRecordsIn } from "../../store/consent";
import { missingConsent, missingFrom } from "../consent/guard";
import { TempDir } from "../media/prepare";
import { deleteSelfie } from "./selfie";

export function providerFor(app: AppContext): PhotorealProvider {
  return createProvider(app.config.provider, secrets.providerApiKey());
}

export function userMessage(err: unknown): string {
  if (err instanceof ProviderError) {
    switch (err.kind) {
      case "rejected":
        return `The provider could not use this selfie (${err.message}); try a clear, front-facing photo.`;
      case "not_found":
        return "The avatar provider no longer has this avatar; create a new job.";
      case "quota":
        return "The avatar provider's quota is used up; try again later.";
      case "too_large":
        return `The provider's model is too large to store (${err.message}); create a new job.`;
      case "unauthorized":
        return `The avatar provider refused this backend (${err.message}); the operator must check PROVIDER_API_KEY.`;
      default:
        return "The avatar provider is unavailable; try again in a few minutes.";
    }
  }
  return "Creating the avatar failed on our side; try again.";
}

export type SubmitOutcome = "submitted" | "skipped" | "requeued" | "failed" | "cancelled";

/**
 * Submits a queued job's selfie once (the trigger, or the sweep for a job the trigger
 * could not submit: it passes the job as its query read it).
 */
export async function submitAvatarJob(
  app: AppContext,
  jobId: string,
  provider: PhotorealProvider = providerFor(app),
  read?: JobRead,
): Promise<SubmitOutcome> {
  const now = () => app.clock.now();
  const stored = read ?? (await readJob(app.db, jobId));
  const job = stored?.data;
  if (!stored || !job || job.job.state !== "queued" || job.provider_job_id || !job.selfie_path)
    return "skipped";
  const selfiePath = job.selfie_path;
  // Consent is checked again before the selfie leaves Storage.
  if ((await missingConsent(app, job.user_id, ["avatar_3d"])).length > 0) {
    const ended = await endJob(app.db, jobId, "cancel", consentCancelled, now(), stored);
    if (ended.ended) await deleteSelfie(app, selfiePath);
    log.info("avatar job cancelled: no consent", { jobId });
    return ended.ended ? "cancelled" : "skipped";
  }
  const claim = await claimJobSubmit(app.db, jobId, {
    provider: provider.name,
    now: now(),
    read: stored,
  });
  if (!claim) return "skipped";
  const tmp = await TempDir.create();
  try {
    const local = tmp.file("selfie");
    await getBucket(app.config.storageBucket).file(selfiePath).download({ destination: local });
    const res = await provider.submit({
      jobId,
      selfiePath: local,
      contentType: selfiePath.endsWith(".png") ? "image/png" : "image/jpeg",
      blendshapes: job.options.blendshapes,
      realism: job.options.realism,
      bodyType: job.options.bodyType,
    });
    // Consent withdrawn while the selfie was on its way: the job ends cancelled and the
    // provider's new avatar is deleted again at once (the withdrawal could not see it).
    const recorded = await recordProviderJob(app.db, jobId, {
      lease: claim.lease,
      providerJobId: res.providerJobId,
      action: res.action ?? null,
      now: now(),
      consentMissing: async (tx: Transaction) =>
        missingFrom(
          await getConsentRecordsIn(tx, app.db, job.user_id),
          ["avatar_3d"],
          app.config.consent,
        ).length > 0,
      cancelMessage: CONSENT_CANCELLED_MESSAGE,
      read: claim.read,
    });
    if (recorded === "cancelled") {
      const outcome = await provider.deleteAvatar(res.providerJobId).catch(() => "failed");
      if (outcome === "deleted") await markProviderDeleted(app.db, jobId, now());
      await deleteSelfie(app, selfiePath);
      log.info("avatar job cancelled after submission: consent withdrawn", { jobId, outcome });
      return "cancelled";
    }
    log.info("avatar job submitted", {
      jobId,
      provider: provider.name,
      providerJobId: res.providerJobId,
    });
    return "submitted";
  } catch (err) {
    if (err instanceof ProviderError && err.kind === "rate_limited") {
      const waitMs = retryWaitMs(err.retryAfterSeconds, 600, 60_000);
      await requeueJob(app.db, jobId, claim.lease, {
        at: new Date(now().getTime() + waitMs),
        now: now(),
      });
      log.warn("avatar job submission rate-limited; requeued", {
        jobId,
        waitSeconds: waitMs / 1000,
      });
      return "requeued";
    }
    await failJob(app.db, jobId, { code: "SUBMISSION_FAILED", message: userMessage(err) }, now());
    await deleteSelfie(app, selfiePath);
    log.warn("avatar job submission failed", { jobId, error: err });
    return "failed";
  } finally {
    await tmp.dispose();
  }
}

const consentCancelled = { code: "CANCELLED", message: CONSENT_CANCELLED_MESSAGE };
