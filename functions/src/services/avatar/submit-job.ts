/**
 * `on_avatar_job_created`: submits the selfie to the provider once. The claim
 * (queued → processing, in a transaction) makes a redelivered event exit without a
 * second submission; the provider is called outside the transaction and the outcome
 * written by the job's transitions (store/avatar-job-lifecycle.ts). A 429 puts the job back in the queue for the advancer;
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
import { CONSENT_CANCELLED_MESSAGE, markProviderDeleted } from "../../store/avatar-jobs";
import {
  claimJobSubmit,
  failJob,
  recordProviderJob,
  requeueJob,
} from "../../store/avatar-job-lifecycle";
import { getConsentRecordsIn } from "../../store/consent";
import { missingFrom } from "../consent/guard";
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

export async function submitAvatarJob(
  app: AppContext,
  jobId: string,
  provider: PhotorealProvider = providerFor(app),
): Promise<"submitted" | "skipped" | "requeued" | "failed" | "cancelled"> {
  const now = () => app.clock.now();
  // Consent is checked again, in the claim itself, before the selfie leaves Storage.
  const consentMissing = async (tx: Transaction, uid: string) =>
    missingFrom(await getConsentRecordsIn(tx, app.db, uid), ["avatar_3d"], app.config.consent)
      .length > 0;
  const claim = await claimJobSubmit(app.db, jobId, {
    provider: provider.name,
    now: now(),
    consentMissing,
    cancelMessage: CONSENT_CANCELLED_MESSAGE,
  });
  if (claim?.kind === "cancelled") {
    if (claim.job.selfie_path) await deleteSelfie(app, claim.job.selfie_path);
    log.info("avatar job cancelled: no consent", { jobId });
    return "cancelled";
  }
  if (!claim || !claim.job.selfie_path) return "skipped";
  const claimed = { ...claim.job, selfie_path: claim.job.selfie_path };
  const tmp = await TempDir.create();
  try {
    const local = tmp.file("selfie");
    await getBucket(app.config.storageBucket)
      .file(claimed.selfie_path)
      .download({ destination: local });
    const contentType = claimed.selfie_path.endsWith(".png") ? "image/png" : "image/jpeg";
    const res = await provider.submit({
      jobId,
      selfiePath: local,
      contentType,
      blendshapes: claimed.options.blendshapes,
      realism: claimed.options.realism,
      bodyType: claimed.options.bodyType,
    });
    // Consent withdrawn while the selfie was on its way: the job ends cancelled and the
    // provider's new avatar is deleted again at once (the withdrawal could not see it).
    const recorded = await recordProviderJob(app.db, jobId, {
      providerJobId: res.providerJobId,
      action: res.action ?? null,
      now: now(),
      consentMissing,
      cancelMessage: CONSENT_CANCELLED_MESSAGE,
    });
    if (recorded === "cancelled") {
      const outcome = await provider.deleteAvatar(res.providerJobId).catch(() => "failed");
      if (outcome === "deleted") await markProviderDeleted(app.db, jobId, now());
      await deleteSelfie(app, claimed.selfie_path);
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
      await requeueJob(app.db, jobId, new Date(now().getTime() + waitMs), now());
      log.warn("avatar job submission rate-limited; requeued", {
        jobId,
        waitSeconds: waitMs / 1000,
      });
      return "requeued";
    }
    await failJob(app.db, jobId, userMessage(err), now());
    await deleteSelfie(app, claimed.selfie_path);
    log.warn("avatar job submission failed", { jobId, error: err });
    return "failed";
  } finally {
    await tmp.dispose();
  }
}
