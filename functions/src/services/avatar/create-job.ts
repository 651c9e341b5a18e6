/**
 * `POST /avatar/jobs`: consent to `avatar_3d` is checked by the handler first (consent
 * guard); the selfie must really be a
 * JPEG or PNG (magic bytes, not the declared type) within the size limit. The selfie
 * goes to a server-only Storage path and the job is queued for the onCreate trigger.
 */
import type { AppContext } from "../../context";
import { ApiError } from "../../errors";
import { getBucket } from "../../clients/storage/bucket";
import { jobOptionsSchema, newJobRef } from "../../store/avatar-jobs";
import { newQueuedJob } from "../../store/avatar-job-lifecycle";
import { parseInput } from "../../http/validate";
import { sniffType } from "../media/sniff";
import { optionsForProvider } from "./provider-options";
import { admitAvatarJob, precheckAvatarJob } from "../quotas/avatar-job-quota";
import type { ParsedMultipart } from "../../http/multipart";

export const MAX_SELFIE_BYTES = 10 * 1024 * 1024;

export async function createAvatarJob(
  app: AppContext,
  uid: string,
  form: ParsedMultipart,
): Promise<{ jobId: string }> {
  if (!form.file || form.file.data.length === 0) {
    throw new ApiError("INVALID_REQUEST", "Attach the selfie as the multipart part named file.");
  }
  let rawOptions: unknown = {};
  if (form.fields.options !== undefined) {
    try {
      rawOptions = JSON.parse(form.fields.options);
    } catch {
      throw new ApiError("INVALID_REQUEST", "options must be a JSON object.");
    }
  }
  const options = await optionsForProvider(
    app,
    uid,
    parseInput(jobOptionsSchema, rawOptions, "options field"),
  );
  const type = sniffType(form.file.data.subarray(0, 64));
  if (type !== "image/jpeg" && type !== "image/png") {
    throw new ApiError("UNSUPPORTED_MEDIA", "The selfie must be a JPEG or PNG photo.");
  }
  await precheckAvatarJob(app, uid);
  const ref = newJobRef(app.db);
  const selfiePath = `selfies/${uid}/${ref.id}.${type === "image/png" ? "png" : "jpg"}`;
  const selfie = getBucket(app.config.storageBucket).file(selfiePath);
  await selfie.save(form.file.data, {
    contentType: type,
    resumable: false,
    metadata: { metadata: { jobId: ref.id } },
  });
  const now = app.clock.now();
  const job = newQueuedJob({
    user_id: uid,
    provider: app.config.provider.name,
    options,
    selfie_path: selfiePath,
    now,
  });
  try {
    // Counted and created in one transaction: concurrent posts cannot pass the limits together.
    await admitAvatarJob(app, uid, (tx) => tx.create(ref, job));
  } catch (err) {
    await selfie.delete({ ignoreNotFound: true }); // nothing half-written
    throw err;
  }
  return { jobId: ref.id };
}
