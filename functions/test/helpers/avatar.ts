/** Photoreal-route steps shared by the end-to-end suites: consent, POST a selfie, sweep. */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { functionUrl } from "./env";
import type { TestUser } from "./auth";
import { waitForDoc } from "./firestore";
import { db } from "./admin";
import { testContext } from "./context";
import { photoJpeg } from "../fixtures/media";
import { advanceAvatarJobs } from "../../src/services/avatar/advance-jobs";

export const waitMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

export { consentingUser } from "./consent";

/** POST /avatar/jobs with a generated JPEG selfie; returns the job id of the 202. */
export async function postJob(user: TestUser, variant = 0): Promise<string> {
  const form = new FormData();
  form.append(
    "file",
    new Blob([readFileSync(await photoJpeg(variant))], { type: "image/jpeg" }),
    "selfie.jpg",
  );
  form.append("options", JSON.stringify({ output: "glb", blendshapes: "arkit", realism: "high" }));
  const res = await fetch(functionUrl("avatar_jobs", "/avatar/jobs"), {
    method: "POST",
    headers: { Authorization: `Bearer ${user.idToken}` },
    body: form,
  });
  expect(res.status).to.equal(202);
  return ((await res.json()) as { jobId: string }).jobId;
}

/**
 * Waits for the emulator's onCreate trigger to submit the job, then runs the scheduled
 * sweep until the job is terminal, recording every status write.
 */
export async function sweepUntilTerminal(
  jobId: string,
): Promise<{ status: string; progress: number }[]> {
  const writes: { status: string; progress: number }[] = [];
  const unsubscribe = db()
    .doc(`avatar_jobs/${jobId}`)
    .onSnapshot((s) => {
      const d = s.data();
      if (d) writes.push({ status: d.status, progress: d.progress });
    });
  try {
    await waitForDoc(
      db().doc(`avatar_jobs/${jobId}`),
      (d) => Boolean(d?.provider_job_id) || d?.status === "error",
    );
    for (let i = 0; i < 60; i++) {
      const job = (await db().doc(`avatar_jobs/${jobId}`).get()).data();
      if (job?.status === "done" || job?.status === "error") break;
      await advanceAvatarJobs(testContext(), { budgetMs: 20000 });
      await waitMs(150);
    }
    await waitMs(100);
    return writes;
  } finally {
    unsubscribe();
  }
}
