/** Projects as the client creates them, and the machines' sub-objects as the store writes them. */
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import type { Lease } from "../../src/store/job-shape";
import { db } from "./admin";
import { uploadFile } from "./storage";
import { photoJpeg, voiceWebm } from "../fixtures/media";

/** A project as the client creates it, with a recorded voice and, optionally, a photo. */
export async function projectWithVoice(
  uid: string,
  photo: number | null,
  name = "project",
): Promise<string> {
  const id = `p-${randomUUID().slice(0, 8)}`;
  const data: Record<string, string> = {
    userId: uid,
    name,
    voiceUrl: await uploadFile(await voiceWebm(), `users/${uid}/${id}.webm`, "audio/webm"),
  };
  if (photo !== null)
    data.avatarUrl = await uploadFile(
      await photoJpeg(photo),
      `users/${uid}/${id}.jpg`,
      "image/jpeg",
    );
  await db().doc(`projects/${id}`).set(data);
  return id;
}

type Stamp = Date | null | undefined;
const stamp = (d: Stamp) => (d ? Timestamp.fromDate(d) : null);

/** A machine's sub-object (the job shape) in a state, as the store leaves it. */
function run(state: string, f: { attempts?: number; nextAttemptAt?: Stamp; lease?: Lease | null }) {
  return {
    state,
    attempts: f.attempts ?? 0,
    lease: f.lease ?? null,
    nextAttemptAt: stamp(f.nextAttemptAt),
    error: null,
    history: [],
  };
}

/** A lease of a run whose worker died (or still runs): `{token, until}`. */
export const leaseUntil = (token: string, until: Date): Lease => ({
  token,
  until: Timestamp.fromDate(until),
});

/** The `video` of a project whose video is in `state` at HeyGen. */
export function videoRun(
  state: "pending" | "processing" | "completed" | "failed" | "cancelled",
  f: {
    submittedAt?: Date;
    apiVersion?: "v2" | "v3";
    attempts?: number;
    authFailures?: number;
    nextAttemptAt?: Stamp;
  } = {},
) {
  return {
    ...run(state, f),
    authFailures: f.authFailures ?? 0,
    apiVersion: f.apiVersion ?? "v3",
    submittedAt: Timestamp.fromDate(f.submittedAt ?? new Date()),
    checkedAt: null,
  };
}

/** The `generation` of a project in `state`. */
export function generationRun(
  state: "submitting" | "preparing" | "submitted" | "failed",
  f: {
    attempts?: number;
    lease?: Lease | null;
    nextAttemptAt?: Stamp;
    reuseAttempt?: boolean;
    deferred?: { request: Record<string, unknown>; quotaWindow: string; at: Date } | null;
  } = {},
) {
  const d = f.deferred;
  return {
    ...run(state, { attempts: f.attempts ?? 1, ...f }),
    reuseAttempt: f.reuseAttempt ?? false,
    deferred: d ? { ...d, at: Timestamp.fromDate(d.at) } : null,
  };
}

/** The `archive` of a project in `state`. */
export function archiveRun(
  state: "none" | "pending" | "running" | "done" | "failed" | "purged",
  f: { attempts?: number; nextAttemptAt?: Stamp; lease?: Lease | null } = {},
) {
  return { ...run(state, f), archivedAt: null, retainUntil: null, purgedAt: null };
}
