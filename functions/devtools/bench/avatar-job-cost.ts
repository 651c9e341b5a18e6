/**
 * What one photoreal job costs in Firestore, from `POST /avatar/jobs` to `done`: the
 * handler's consent check and job creation, the onCreate trigger's submission, and
 * the job sweeps (one a second, as many as the provider needs) up to the GLB's asset.
 * Counted on the wire in this process (firestore-meter.ts), in the bench's own project
 * so that the functions emulator's trigger does not submit it a second time.
 */
import { readFileSync } from "node:fs";
import { requireConsent } from "../../src/services/consent/guard";
import { createAvatarJob } from "../../src/services/avatar/create-job";
import { submitAvatarJob } from "../../src/services/avatar/submit-job";
import { advanceAvatarJobs } from "../../src/services/avatar/advance-jobs";
import { getJob } from "../../src/store/avatar-jobs";
import { photoJpeg } from "../fixtures/media";
import { until } from "../wait";
import { BENCH_PROJECT_ID, benchContext } from "./context";
import { meterFirestore, type FirestoreCount } from "./firestore-meter";
import { benchUser } from "./user-media";

export interface AvatarJobCost extends FirestoreCount {
  provider: string;
  sweeps: number;
}

export async function measureAvatarJobCost(params: Record<string, string>): Promise<AvatarJobCost> {
  const app = benchContext(params, { projectId: BENCH_PROJECT_ID });
  const user = await benchUser(app, "avatar");
  const selfie = readFileSync(await photoJpeg(1));
  let sweeps = 0;
  const { reads, writes } = await meterFirestore(async () => {
    await requireConsent(app, user.uid, ["avatar_3d"]);
    const { jobId } = await createAvatarJob(app, user.uid, {
      file: { field: "file", filename: "selfie.jpg", declaredType: "image/jpeg", data: selfie },
      fields: { options: JSON.stringify({ output: "glb", blendshapes: "arkit" }) },
    });
    const submitted = await submitAvatarJob(app, jobId);
    if (submitted !== "submitted") throw new Error(`the job was not submitted: ${submitted}`);
    await until(
      "waiting for the avatar job to be done",
      120000,
      async () => {
        sweeps++;
        await advanceAvatarJobs(app, { budgetMs: 20000 });
        const status = (await getJob(app.db, jobId))?.status;
        if (status === "error") throw new Error("the avatar job failed");
        return status === "done" ? true : null;
      },
      1000,
    );
  });
  // The status reads above are the bench's, not the job's: one per sweep.
  return { provider: app.config.provider.name, sweeps, reads: reads - sweeps, writes };
}
