/**
 * Fenced leases (store/): a worker claims, its lease expires, a second worker claims
 * and finishes; the first worker's late write is refused and logged, and the document
 * keeps the second worker's result. Run against the Firestore emulator with the store
 * functions themselves; time is passed in, so "expired" needs no waiting.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { log } from "../../src/logs";
import { RECORDED_VOICE } from "../../src/store/projects";
import { claimSubmit, failSubmit, markSubmitted } from "../../src/store/project-generation";
import {
  ARCHIVE_LEASE_MS,
  claimArchive,
  markArchived,
  scheduleArchiveRetry,
} from "../../src/store/project-archive";
import {
  claimFinalize,
  markJobDone,
  releaseFinalize,
} from "../../src/store/avatar-job-finalization";
import { storedJob } from "../helpers/avatar";
import { archiveRun, leaseUntil, videoRun } from "../helpers/projects";
import { withUserLock } from "../../src/store/locks";
import {
  claimErasure,
  completeErasure,
  createErasure,
  ERASURE_LEASE_MS,
  recordErasureStep,
  scheduleErasureRetry,
} from "../../src/store/erasure-lifecycle";
import { db } from "../helpers/admin";
import { useStack } from "../helpers/use-stack";
import { waitUntil } from "../helpers/wait";
import type { Timestamp } from "firebase-admin/firestore";

/** Collects log.warn calls while `fn` runs. */
async function warnings<T>(fn: () => Promise<T>): Promise<{ result: T; warned: unknown[][] }> {
  const original = log.warn;
  const warned: unknown[][] = [];
  log.warn = (...args) => void warned.push(args);
  try {
    return { result: await fn(), warned };
  } finally {
    log.warn = original;
  }
}

const submitted = (videoId: string, now: Date) => ({
  videoId,
  fallbackAvatarUsed: false,
  voice: RECORDED_VOICE,
  scriptSha256: null,
  apiVersion: "v3" as const,
  now,
});

describe("fenced leases: an expired worker's late write is refused", function () {
  this.timeout(30000);
  const t0 = new Date("2026-03-01T10:00:00Z");
  const later = (ms: number) => new Date(t0.getTime() + ms);
  useStack({ fresh: { firestore: true } });

  it("generate: the claim taken over after its lease expired keeps the second worker's video", async () => {
    const id = `p-${randomUUID().slice(0, 8)}`;
    await db().doc(`projects/${id}`).set({ userId: "u1", name: "fence" });
    const first = await claimSubmit(db(), id, "u1", t0, 1000);
    const second = await claimSubmit(db(), id, "u1", later(5000), 1000);
    if (first.kind !== "claimed" || second.kind !== "claimed") throw new Error("not claimed");
    // The same attempt (v3 replays the create by its Idempotency-Key), a new token.
    expect(second.lease.attempt).to.equal(first.lease.attempt);
    expect(second.lease.token).to.not.equal(first.lease.token);

    expect(await markSubmitted(db(), id, second.lease, submitted("video-B", later(6000)))).to.equal(
      true,
    );
    const late = await warnings(async () => [
      await markSubmitted(db(), id, first.lease, submitted("video-A", later(7000))),
      await failSubmit(db(), id, first.lease, {
        error: { code: "INTERNAL", message: "late" },
        now: later(7000),
        createMayHaveHappened: false,
      }),
    ]);
    expect(late.result).to.deep.equal([false, false]);
    expect(late.warned).to.have.length(2);
    expect(late.warned[0][1]).to.include({ projectId: id }).and.not.have.property("uid");

    const doc = (await db().doc(`projects/${id}`).get()).data();
    expect(doc).to.deep.include({
      heygenVideoId: "video-B",
      heygenStatus: "pending",
      step: "rendering",
      error: null,
    });
    expect(doc?.generation).to.include({ state: "submitted", lease: null });
    const states = (run: { history: { state: string }[] }) => run.history.map((h) => h.state);
    expect(states(doc?.generation)).to.deep.equal(["submitting", "submitted"]);
    // The new video starts in the same write, from the video's own table.
    expect(doc?.video).to.include({ state: "pending", apiVersion: "v3" });
    expect(states(doc?.video)).to.deep.equal(["pending"]);
  });

  it("a claim whose lease still holds makes the second caller wait", async () => {
    const id = `p-${randomUUID().slice(0, 8)}`;
    await db().doc(`projects/${id}`).set({ userId: "u1", name: "fence" });
    await claimSubmit(db(), id, "u1", t0, 60000);
    expect((await claimSubmit(db(), id, "u1", later(1000), 60000)).kind).to.equal("in-progress");
  });

  it("archive: the first run's late result neither overwrites nor reschedules the second's", async () => {
    const id = `p-${randomUUID().slice(0, 8)}`;
    // Created (not updated): the archive trigger stays out of it.
    await db()
      .doc(`projects/${id}`)
      .set({
        userId: "u1",
        name: "fence",
        heygenVideoId: "v1",
        heygenStatus: "completed",
        video: videoRun("completed", { submittedAt: t0 }),
        archive: archiveRun("failed", { attempts: 1, nextAttemptAt: t0 }),
      });
    const first = await claimArchive(db(), id, t0);
    expect(await claimArchive(db(), id, later(1000))).to.equal("busy");
    const second = await claimArchive(db(), id, later(ARCHIVE_LEASE_MS + 1000));
    if (!first || first === "busy" || !second || second === "busy") throw new Error("no claim");
    const copy = (path: string, now: Date) => ({ path, now, retainUntil: later(86400000) });
    expect(
      await markArchived(
        db(),
        id,
        second,
        copy("videos/u1/second.mp4", later(ARCHIVE_LEASE_MS + 2000)),
      ),
    ).to.equal("written");

    const late = await warnings(async () => [
      await markArchived(
        db(),
        id,
        first,
        copy("videos/u1/first.mp4", later(ARCHIVE_LEASE_MS + 3000)),
      ),
      await scheduleArchiveRetry(db(), id, first, {
        message: "late failure",
        nextAttemptAt: later(ARCHIVE_LEASE_MS + 60000),
        now: later(ARCHIVE_LEASE_MS + 3000),
      }),
    ]);
    expect(late.result).to.deep.equal(["refused", "refused"]);
    expect(late.warned.map((w) => w[1])).to.deep.equal([
      { projectId: id, event: "archived" },
      { projectId: id, event: "retry" },
    ]);
    const doc = (await db().doc(`projects/${id}`).get()).data();
    expect(doc).to.include({ archivedVideoPath: "videos/u1/second.mp4", step: "done" });
    expect(doc?.archive).to.include({ state: "done", attempts: 3, error: null, lease: null });
  });

  it("erasure: the expired run can record no step, retry or completion; the newer run finishes it", async () => {
    const id = `e-${randomUUID().slice(0, 8)}`;
    expect(
      await createErasure(db(), id, { uid: "u-erased", requestedBy: "user", now: t0 }),
    ).to.equal(true);
    expect(
      await createErasure(db(), id, { uid: "u-erased", requestedBy: "user", now: t0 }),
    ).to.equal(false);
    const first = await claimErasure(db(), id, t0, { force: true });
    expect(await claimErasure(db(), id, later(1000), { force: true })).to.equal(null);
    const second = await claimErasure(db(), id, later(ERASURE_LEASE_MS + 1), { force: true });
    if (!first || !second) throw new Error("no claim");

    const late = await warnings(async () => [
      await recordErasureStep(db(), first.lease, "consent", {}, later(1)),
      await scheduleErasureRetry(db(), first.lease, {
        step: "heygen",
        message: "late",
        nextAttemptAt: later(60000),
        now: later(2),
      }),
      await completeErasure(db(), first.lease, later(3)),
    ]);
    expect(late.result).to.deep.equal([false, false, false]);
    expect(late.warned).to.have.length(3);
    expect(JSON.stringify(late.warned)).to.not.contain("u-erased");

    expect(await recordErasureStep(db(), second.lease, "consent", {}, later(4))).to.equal(true);
    expect(await completeErasure(db(), second.lease, later(5))).to.equal(true);
    const doc = (await db().doc(`erasures/${id}`).get()).data();
    expect(doc).to.not.have.property("uid");
    expect(doc?.erasure).to.include({ state: "done", error: null, lease: null, attempts: 2 });
    expect(doc?.erasure.history.map((h: { state: string }) => h.state)).to.deep.equal([
      "pending",
      "done",
    ]);
  });

  it("avatar job finalisation: the expired run cannot mark the job done or release the new lease", async () => {
    const id = `j-${randomUUID().slice(0, 8)}`;
    const ref = db().doc(`avatar_jobs/${id}`);
    await ref.set(
      storedJob({ user_id: "u1", state: "processing", provider_job_id: "prov-1", progress: 0.5 }),
    );
    const first = await claimFinalize(db(), id, t0, { leaseMs: 1000 });
    expect(await claimFinalize(db(), id, later(500), { leaseMs: 1000 })).to.equal(null);
    const second = await claimFinalize(db(), id, later(5000), { leaseMs: 1000 });
    if (!first || !second) throw new Error("no claim");

    const late = await warnings(async () => {
      await releaseFinalize(db(), id, first.lease, later(5500));
      return markJobDone(db(), id, first.lease, { assetId: "asset-A", now: later(5500) });
    });
    expect(late.result).to.equal(false);
    expect(late.warned.map((w) => w[1])).to.deep.equal([
      { jobId: id, event: "release" },
      { jobId: id, event: "done" },
    ]);
    expect((await ref.get()).get("job.lease")).to.include({ token: second.lease.token });

    const done = { assetId: "asset-B", now: later(6000) };
    expect(await markJobDone(db(), id, second.lease, done)).to.equal(true);
    // After the second run finished, the first run's write is refused all the same.
    expect(
      await markJobDone(db(), id, first.lease, { assetId: "asset-A", now: later(7000) }),
    ).to.equal(false);
    const doc = (await ref.get()).data();
    expect(doc).to.include({ status: "done", asset_id: "asset-B", progress: 1 });
    expect(doc?.job).to.include({ state: "done", lease: null });
    expect(doc?.job.history.map((h: { state: string }) => h.state)).to.deep.equal([
      "queued",
      "done",
    ]);
  });

  it("user lock: renewed while the step runs; a write after another worker took it is refused", async () => {
    const uid = `u-${randomUUID().slice(0, 8)}`;
    const lockRef = db().doc(`users/${uid}/locks/heygen-folder`);
    const target = db().doc(`users/${uid}`);
    // Longer than the lease: the renewal keeps it, so the write goes through. The step
    // runs until its first lease has run out and a renewal has carried the lock past now
    // (observed, not slept: a fixed sleep raced the renewal on a loaded machine).
    const leaseUntilMs = async () =>
      ((await lockRef.get()).get("lease.until") as Timestamp).toMillis();
    await withUserLock(
      db(),
      uid,
      "heygen-folder",
      async (lease) => {
        const first = await leaseUntilMs();
        await waitUntil(
          async () => Date.now() > first && (await leaseUntilMs()) > Date.now() + 500,
          "the lock renewed past its first lease",
        );
        await lease.commit((tx) => tx.set(target, { heygenFolderId: "f-1" }, { merge: true }));
      },
      { leaseMs: 3000 },
    );
    expect((await target.get()).get("heygenFolderId")).to.equal("f-1");

    const late = await warnings(() =>
      withUserLock(db(), uid, "heygen-folder", async (lease) => {
        // The lease expired meanwhile and a second worker took the lock.
        await lockRef.set({ lease: leaseUntil("second-worker", new Date(Date.now() + 60000)) });
        return lease
          .commit((tx) => tx.set(target, { heygenFolderId: "f-late" }, { merge: true }))
          .then(
            () => "written",
            (err: { code?: string }) => err.code,
          );
      }),
    );
    expect(late.result).to.equal("CONFLICT");
    expect(late.warned.map((w) => w[1])).to.deep.equal([{ lock: "heygen-folder" }]);
    expect((await target.get()).get("heygenFolderId")).to.equal("f-1");
    // The second worker's lock is left alone.
    expect((await lockRef.get()).get("lease.token")).to.equal("second-worker");
  });
});
