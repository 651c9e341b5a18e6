/** Photoreal-route steps shared by the end-to-end suites: consent, POST a selfie, sweep. */
import { expect } from "chai";
import type { DocumentData } from "firebase-admin/firestore";
import { readFileSync } from "node:fs";
import { functionUrl } from "./env";
import type { TestUser } from "./auth";
import { waitForDoc } from "./firestore";
import { db } from "./admin";
import { testContext } from "./context";
import { photoJpeg } from "../fixtures/media";
import { advanceAvatarJobs } from "../../src/services/avatar/advance-jobs";
import { newQueuedJob } from "../../src/store/avatar-job-lifecycle";
import type { AvatarJob } from "../../src/store/avatar-jobs";
import type { AvatarAsset } from "../../src/store/avatar-assets";
import { Timestamp } from "firebase-admin/firestore";

export const waitMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

export { consentingUser } from "./consent";

export interface SelfieReply {
  status: number;
  retryAfter: string | null;
  body: { jobId?: string; error?: string; message?: string; details?: unknown };
}

/** POST /avatar/jobs with a generated JPEG selfie, as a client sends it; the answer as it came. */
export async function postSelfie(user: TestUser, variant = 0): Promise<SelfieReply> {
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
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    body: (await res.json()) as SelfieReply["body"],
  };
}

/** POST /avatar/jobs with a generated JPEG selfie; returns the job id of the 202. */
export async function postJob(user: TestUser, variant = 0): Promise<string> {
  const res = await postSelfie(user, variant);
  expect(res.status, JSON.stringify(res.body)).to.equal(202);
  return res.body.jobId as string;
}

export type JobRead = { status: string; progress: number };

/**
 * Waits (by reads) for the emulator's onCreate trigger to submit the job, then runs the
 * scheduled sweep until the job is terminal, reading the job after every step. Returns
 * the states read, in order: a transition between two reads is not seen, so tests assert
 * on the order and on the final document, never on a listener's stream. Throws with the
 * last state when the job is not terminal within `timeoutMs`.
 */
export async function sweepUntilTerminal(jobId: string, timeoutMs = 40000): Promise<JobRead[]> {
  const ref = db().doc(`avatar_jobs/${jobId}`);
  const reads: JobRead[] = [];
  const record = (d: DocumentData | undefined) => {
    if (d) reads.push({ status: d.status, progress: d.progress });
    return d;
  };
  const deadline = Date.now() + timeoutMs;
  record(
    await waitForDoc(ref, (d) => Boolean(d?.provider_job_id) || d?.status === "error", timeoutMs),
  );
  for (;;) {
    const job = reads.at(-1);
    if (job?.status === "done" || job?.status === "error") return reads;
    if (Date.now() >= deadline) {
      throw new Error(
        `avatar_jobs/${jobId} is not done or error after ${timeoutMs} ms of sweeps; ` +
          `states read: ${JSON.stringify(reads)}`,
      );
    }
    await advanceAvatarJobs(testContext(), { budgetMs: 20000 });
    record((await ref.get()).data());
    await waitMs(150);
  }
}

/**
 * A job document as the store writes it, in any state (a job of an older run, a crowd
 * backing off, a job whose consent went): a new job's document with its run moved on.
 */
export function storedJob(f: {
  user_id: string;
  state: AvatarJob["job"]["state"];
  provider?: string;
  provider_job_id?: string | null;
  progress?: number;
  selfie_path?: string;
  created?: Date;
  nextAttemptAt?: Date | null;
  readFailures?: number;
  attempts?: number;
}): AvatarJob {
  const created = f.created ?? new Date();
  const doc = newQueuedJob({
    user_id: f.user_id,
    provider: f.provider ?? "avatar-sdk",
    options: { output: "glb", blendshapes: "arkit", realism: "high" },
    selfie_path: f.selfie_path ?? `selfies/${f.user_id}/seeded.jpg`,
    now: created,
  });
  const attempts = f.attempts ?? (f.state === "queued" ? 0 : 1);
  const next = f.nextAttemptAt === undefined ? created : f.nextAttemptAt;
  return {
    ...doc,
    provider_job_id: f.provider_job_id ?? null,
    status: f.state,
    progress: f.progress ?? 0,
    attempts,
    job: {
      ...doc.job,
      state: f.state,
      attempts,
      readFailures: f.readFailures ?? 0,
      nextAttemptAt: next ? Timestamp.fromDate(next) : null,
    },
  };
}

/** An avatar_assets document as the finalisation writes it (no GLB needed behind it). */
export function storedAsset(uid: string, assetId: string): AvatarAsset {
  const now = Timestamp.now();
  return {
    user_id: uid,
    job_id: assetId,
    provider: "avatar-sdk",
    storage_key: `avatars/${assetId}/model.glb`,
    retain_until: Timestamp.fromMillis(now.toMillis() + 86400000),
    blendshape_map: { arkit: {}, visemes: {}, missing: { arkit: [], visemes: [] }, unmapped: [] },
    meshes: [],
    created_at: now,
    purged_at: null,
  };
}
