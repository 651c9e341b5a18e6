/** A job's selfie is deleted as soon as the job has ended (done, error or cancelled). */
import type { AppContext } from "../../context";
import { getBucket } from "../../clients/storage/bucket";

export async function deleteSelfie(app: AppContext, selfiePath: string): Promise<void> {
  await getBucket(app.config.storageBucket).file(selfiePath).delete({ ignoreNotFound: true });
}
