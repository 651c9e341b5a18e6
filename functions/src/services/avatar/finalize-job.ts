/**
 * The finalisation of a job the provider has finished, under its own lease: the model is
 * downloaded, checked for the blendshapes the job asked for, streamed into Storage at
 * `avatars/{assetId}/model.glb`, its `avatar_assets` document written (asset id = job
 * id, so a repeated finalisation rewrites the same files), then the job is done and its
 * selfie deleted. A transient provider failure gives the lease back and is rethrown (the
 * sweep backs off); any other failure ends the job with a message the user can act on.
 */
import { createReadStream, promises as fsp } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { AppContext } from "../../context";
import { getBucket } from "../../clients/storage/bucket";
import { ProviderError, type PhotorealProvider } from "../../clients/providers";
import { log } from "../../logs";
import { failJob, type JobRead } from "../../store/avatar-job-lifecycle";
import { claimFinalize, markJobDone, releaseFinalize } from "../../store/avatar-job-finalization";
import { saveAsset } from "../../store/avatar-assets";
import { TempDir } from "../media/prepare";
import { buildBlendshapeMap } from "./blendshapes";
import { inspectGlb } from "./glb";
import { deleteSelfie } from "./selfie";
import { userMessage } from "./submit-job";

export const assetStorageKey = (assetId: string): string => `avatars/${assetId}/model.glb`;

export type FinalizeOutcome = "done" | "failed" | "waiting" | "skipped";

export async function finalizeJob(
  app: AppContext,
  provider: PhotorealProvider,
  jobId: string,
  providerJobId: string,
  read: JobRead,
): Promise<FinalizeOutcome> {
  const claim = await claimFinalize(app.db, jobId, app.clock.now(), { read });
  if (!claim) return "waiting"; // another run finalises it
  const job = read.data;
  const assetId = jobId;
  const fail = async (code: string, message: string): Promise<FinalizeOutcome> => {
    const ended = await failJob(app.db, jobId, { code, message }, app.clock.now());
    if (ended.selfiePath) await deleteSelfie(app, ended.selfiePath);
    return "failed";
  };
  const tmp = await TempDir.create();
  try {
    const model = await provider.download(providerJobId, tmp.dir);
    const bytes = await fsp.readFile(model.glbPath); // glTF parsing needs the whole file
    const info = await inspectGlb(bytes);
    const map = buildBlendshapeMap(info.targetNames);
    // blendshapes "basic" asks for visemes only: the mouth then moves by its `aa`, not jawOpen.
    const basic = job.options.blendshapes === "basic";
    if (!map.arkit.jawOpen && !(basic && map.visemes.aa)) {
      return fail(
        "UNUSABLE_MODEL",
        basic
          ? "The provider's model has no lip-sync visemes (aa is missing); try again."
          : "The provider's model has no facial blendshapes (jawOpen is missing); try again.",
      );
    }
    await pipeline(
      createReadStream(model.glbPath),
      getBucket(app.config.storageBucket)
        .file(assetStorageKey(assetId))
        .createWriteStream({ resumable: false, contentType: "model/gltf-binary" }),
    );
    const now = app.clock.now();
    await saveAsset(
      app.db,
      assetId,
      {
        user_id: job.user_id,
        job_id: jobId,
        provider: provider.name,
        storage_key: assetStorageKey(assetId),
        blendshape_map: map,
        meshes: info.meshes.map((m) => ({ mesh: m.mesh, morphTargets: m.targetNames.length })),
      },
      // Retention: the GLB is purged after MEDIA_RETENTION_DAYS (purge_expired_media).
      { now, retainUntil: new Date(now.getTime() + app.config.mediaRetentionDays * 86400000) },
    );
    // Refused when this run's lease expired and another run took the job over.
    if (!(await markJobDone(app.db, jobId, claim.lease, { assetId, now, read: claim.read })))
      return "skipped";
    if (job.selfie_path) await deleteSelfie(app, job.selfie_path);
    log.info("avatar job done", { jobId, assetId, arkit: Object.keys(map.arkit).length });
    return "done";
  } catch (err) {
    if (err instanceof ProviderError && err.transient) {
      await releaseFinalize(app.db, jobId, claim.lease, app.clock.now());
      throw err;
    }
    log.warn("avatar job finalisation failed", { jobId, error: err });
    return err instanceof ProviderError
      ? fail(`PROVIDER_${err.kind.toUpperCase()}`, userMessage(err))
      : fail("UNUSABLE_MODEL", "The provider returned an unusable model; try again.");
  } finally {
    await tmp.dispose();
  }
}
