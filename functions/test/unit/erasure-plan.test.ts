/**
 * An account erasure's run decided without Firestore or any upstream
 * (src/services/privacy/erasure-plan.ts): which steps are left and in what order, when a
 * failed run is due again, that a step with a failed upstream delete is run again, and the
 * counts the tombstone keeps.
 */
import { expect } from "chai";
import {
  ERASURE_RETRY_DELAYS_MIN,
  countReport,
  erasureRetry,
  mergeCounts,
  stepFailure,
  stepsLeft,
} from "../../src/services/privacy/erasure-plan";
import { emptyReport, type RemovalReport } from "../../src/services/privacy/removal-report";

const NOW = new Date("2026-12-01T12:00:00.000Z");

describe("stepsLeft: what an erasure run still does", () => {
  it("every step in order when none is done", () => {
    expect(stepsLeft({})).to.deep.equal(["consent", "heygen", "storage", "firestore", "auth"]);
  });

  it("skips the done ones and keeps the order; the erasure ends when none is left", () => {
    expect(stepsLeft({ consent: NOW, storage: NOW })).to.deep.equal([
      "heygen",
      "firestore",
      "auth",
    ]);
    expect(
      stepsLeft({ consent: NOW, heygen: NOW, storage: NOW, firestore: NOW, auth: NOW }),
    ).to.deep.equal([]);
  });

  it("a step recorded as null is not done", () => {
    expect(stepsLeft({ consent: null, heygen: undefined })).to.have.length(5);
  });
});

describe("erasureRetry: when a failed run is due again", () => {
  it("waits 1, 5, 15, 60, 180 then 360 minutes after each failed run", () => {
    const delays = [0, 1, 2, 3, 4, 5].map((runs) => erasureRetry(runs, NOW).delayMin);
    expect(delays).to.deep.equal([...ERASURE_RETRY_DELAYS_MIN]);
    expect(delays).to.deep.equal([1, 5, 15, 60, 180, 360]);
  });

  it("keeps retrying every 360 minutes after the sixth", () => {
    expect(erasureRetry(6, NOW).delayMin).to.equal(360);
    expect(erasureRetry(40, NOW).delayMin).to.equal(360);
  });

  it("is due that many minutes from now", () => {
    expect(erasureRetry(0, NOW).at.toISOString()).to.equal("2026-12-01T12:01:00.000Z");
    expect(erasureRetry(3, NOW).at.toISOString()).to.equal("2026-12-01T13:00:00.000Z");
  });
});

function report(over: Partial<RemovalReport> = {}): RemovalReport {
  return { ...emptyReport(), ...over };
}

describe("stepFailure: a step with a failed upstream delete runs again", () => {
  it("no failure when every upstream delete succeeded or cannot be done", () => {
    const r = report({
      upstream: [
        { system: "heygen", kind: "video", id: "v1", outcome: "deleted" },
        { system: "in3d", kind: "avatar", id: "a1", outcome: "not_deletable" },
      ],
    });
    expect(stepFailure(r, "heygen")).to.equal(null);
    expect(stepFailure(emptyReport(), "heygen")).to.equal(null);
  });

  it("names the step and each failed delete, and says it is retried", () => {
    const r = report({
      upstream: [
        { system: "heygen", kind: "video", id: "v1", outcome: "failed" },
        { system: "heygen", kind: "look", id: "l1", outcome: "deleted" },
        { system: "didimo", kind: "avatar", id: "d1", outcome: "failed" },
      ],
    });
    expect(stepFailure(r, "heygen")?.message).to.equal(
      "heygen: 2 upstream delete(s) failed (heygen video, didimo avatar); retried later",
    );
  });
});

describe("countReport and mergeCounts: what the tombstone counts", () => {
  it("counts upstream outcomes, storage, Firestore and cancelled work, without ids", () => {
    const r = report({
      upstream: [
        { system: "heygen", kind: "video", id: "v1", outcome: "deleted" },
        { system: "heygen", kind: "video", id: "v2", outcome: "deleted" },
        { system: "heygen", kind: "video", id: "v3", outcome: "not_deletable" },
        { system: "in3d", kind: "avatar", id: "a1", outcome: "deleted" },
      ],
      storage: ["a", "b", "c"],
      firestore: ["d"],
      cancelled: { avatarJobs: ["j1", "j2"], videos: ["p1"] },
    });
    expect(countReport(r)).to.deep.equal({
      heygen: { video: { deleted: 2, not_deletable: 1 } },
      in3d: { avatar: { deleted: 1 } },
      storage: { object: { deleted: 3 } },
      firestore: { document: { deleted: 1 } },
      jobs: { avatar_job: { cancelled: 2 }, video: { cancelled: 1 } },
    });
  });

  it("an empty report counts nothing", () => {
    expect(countReport(emptyReport())).to.deep.equal({});
  });

  it("merges counts of every level into the first, and answers it", () => {
    const into = { heygen: { video: { deleted: 1 } } };
    const merged = mergeCounts(into, {
      heygen: { video: { deleted: 2, failed: 1 }, look: { deleted: 1 } },
      auth: { user: { deleted: 1 } },
    });
    expect(merged).to.equal(into);
    expect(merged).to.deep.equal({
      heygen: { video: { deleted: 3, failed: 1 }, look: { deleted: 1 } },
      auth: { user: { deleted: 1 } },
    });
  });
});
