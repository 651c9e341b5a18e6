/**
 * The `avatar_3d` inputs of one user: pending photoreal jobs end `cancelled` (no
 * further provider call), the avatars made from their selfies are deleted at the
 * provider where it documents a delete, and the selfies are deleted from Storage.
 * GLBs already made (outputs) are kept; erasure deletes them.
 */
import type { AppContext } from "../../context";
import { isTerminalJobStatus, jobsOfUser, markProviderDeleted } from "../../store/avatar-jobs";
import { cancelJob } from "../../store/avatar-job-lifecycle";
import { providerFor } from "../avatar/submit-job";
import { removeUpstream, type RemovalReport } from "./removal-report";
import { deleteInputs } from "./storage-inputs";

export const NOT_DELETABLE_AT_PROVIDER = "the provider documents no delete for this object";

export async function removeAvatar3dInputs(
  app: AppContext,
  uid: string,
  report: RemovalReport,
  cancelMessage: string,
): Promise<void> {
  const provider = providerFor(app);
  for (const { id, job } of await jobsOfUser(app.db, uid)) {
    if (!isTerminalJobStatus(job.job.state)) {
      if (await cancelJob(app.db, id, cancelMessage, app.clock.now()))
        report.cancelled.avatarJobs.push(id);
    }
    if (!job.provider_job_id || job.provider_deleted_at) continue;
    const target = {
      system: job.provider as "avatar-sdk" | "in3d" | "didimo",
      kind: "avatar" as const,
      id: job.provider_job_id,
    };
    if (job.provider !== provider.name) {
      // Its provider's credentials are no longer configured: it cannot be reached from here.
      report.upstream.push({
        ...target,
        outcome: "not_deletable",
        reason: `made by ${job.provider}, which this service no longer uses (no credentials for it)`,
      });
      continue;
    }
    const before = report.upstream.length;
    await removeUpstream(
      report,
      target,
      () => provider.deleteAvatar(job.provider_job_id as string),
      NOT_DELETABLE_AT_PROVIDER,
    );
    if (report.upstream[before]?.outcome === "deleted")
      await markProviderDeleted(app.db, id, app.clock.now());
  }
  report.storage.push(...(await deleteInputs(app.config.storageBucket, uid, "selfie")));
}
