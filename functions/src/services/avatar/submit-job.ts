/**
 * `on_avatar_job_created`: submits the selfie to the provider once. The claim
 * (queued → processing, in a transaction) makes a redelivered event exit without a
 * second submission; the provider is called outside the transaction and the outcome
 * written unconditionally. A 429 puts the job back in the queue for the advancer;
 * any other failure ends the job with a message the user can act on (a 5xx is not
 * retried: the provider may have created the avatar, and it has no idempotency key).
 */
import type { AppContext } from "../../context";
import { secrets } from "../../config";
import { getBucket } from "../../clients/storage/bucket";
import { createProvider, ProviderError, type PhotorealProvider } from "../../clients/providers";
import { log } from "../../logs";
import { CONSENT_CANCELLED_MESSAGE, jobSchema, jobsCollection } from "../../store/avatar-jobs";
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
  const ref = jobsCollection(app.db).doc(jobId);
  const now = () => app.clock.now();
  const claimed = await app.db.runTransaction(async (tx) => {
    const parsed = jobSchema.safeParse((await tx.get(ref)).data());
    if (!parsed.success || parsed.data.status !== "queued" || parsed.data.provider_job_id)
      return null;
    // Consent is checked again, in the claim itself, before the selfie leaves Storage.
    const records = await getConsentRecordsIn(tx, app.db, parsed.data.user_id);
    if (missingFrom(records, ["avatar_3d"], app.config.consent).length > 0) {
      tx.update(ref, {
        status: "cancelled",
        error: CONSENT_CANCELLED_MESSAGE,
        updated_at: now(),
      });
      return { cancelled: true as const, selfiePath: parsed.data.selfie_path ?? null };
    }
    tx.update(ref, {
      status: "processing",
      // The provider that gets the selfie is the one the sweep must ask later.
      provider: provider.name,
      attempts: parsed.data.attempts + 1,
      updated_at: now(),
      next_check_at: now(), // due for the sweep (advance-jobs.ts orders by it)
    });
    return parsed.data;
  });
  if (claimed && "cancelled" in claimed) {
    if (claimed.selfiePath) await deleteSelfie(app, claimed.selfiePath);
    log.info("avatar job cancelled: no consent", { jobId });
    return "cancelled";
  }
  if (!claimed || !claimed.selfie_path) return "skipped";
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
    const withdrawn = await app.db.runTransaction(async (tx) => {
      const records = await getConsentRecordsIn(tx, app.db, claimed.user_id);
      const gone = missingFrom(records, ["avatar_3d"], app.config.consent).length > 0;
      tx.update(ref, {
        provider_job_id: res.providerJobId,
        action: gone ? null : (res.action ?? null),
        progress: 0.05,
        // Due at once, also when a sweep met the submission running and set a later check.
        next_check_at: now(),
        ...(gone ? { status: "cancelled", error: CONSENT_CANCELLED_MESSAGE } : {}),
        updated_at: now(),
      });
      return gone;
    });
    if (withdrawn) {
      const outcome = await provider.deleteAvatar(res.providerJobId).catch(() => "failed");
      if (outcome === "deleted") await ref.update({ provider_deleted_at: now() });
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
      const wait = Math.min(600, err.retryAfterSeconds ?? 60);
      await ref.update({
        status: "queued",
        next_attempt_at: new Date(now().getTime() + wait * 1000),
        updated_at: now(),
      });
      log.warn("avatar job submission rate-limited; requeued", { jobId, waitSeconds: wait });
      return "requeued";
    }
    await ref.update({ status: "error", error: userMessage(err), updated_at: now() });
    await deleteSelfie(app, claimed.selfie_path);
    log.warn("avatar job submission failed", { jobId, error: err });
    return "failed";
  } finally {
    await tmp.dispose();
  }
}
