/**
 * The lifecycle tables (src/store/): every transition names an exported store function,
 * every state is reachable, terminal states are left only by the reopening events,
 * the pure guards follow the tables, and docs/lifecycles.md is what the tables render.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as generation from "../../src/store/project-generation";
import * as video from "../../src/store/project-video";
import * as archive from "../../src/store/project-archive";
import * as jobs from "../../src/store/avatar-job-lifecycle";
import * as finalization from "../../src/store/avatar-job-finalization";
import * as deferral from "../../src/store/project-deferral";
import * as erasure from "../../src/store/erasure-lifecycle";
import { avatarJobSchema, TERMINAL_JOB_STATUSES } from "../../src/store/avatar-jobs";
import { projectSchema, VIDEO_STATES, videoState, type Project } from "../../src/store/projects";
import { projectMirrors, projectStep } from "../../src/store/project-step";
import { appendHistory, HISTORY_LIMIT } from "../../src/store/job-shape";
import {
  allows,
  assertTransition,
  eventNeedsLease,
  nextState,
  renderMermaid,
  type Machine,
} from "../../src/store/state-machine";
import { LIFECYCLES_FILE, renderLifecyclesDoc } from "../../devtools/lifecycles-doc";

/** The store's transition functions: a project's machines call into each other's. */
const STORE: Record<string, unknown> = {
  ...generation,
  ...deferral,
  ...finalization,
  ...video,
  ...archive,
  ...jobs,
  ...erasure,
};
const MACHINES: Machine<string>[] = [
  generation.generationMachine,
  video.videoMachine,
  archive.archiveMachine,
  jobs.jobMachine,
  erasure.erasureMachine,
];

function reachable(m: Machine<string>): Set<string> {
  const seen = new Set([m.initial]);
  for (let grew = true; grew;) {
    grew = false;
    for (const t of m.transitions) {
      if (seen.has(t.from) && !seen.has(t.to)) {
        seen.add(t.to);
        grew = true;
      }
    }
  }
  return seen;
}

describe("lifecycle tables", () => {
  for (const m of MACHINES) {
    describe(m.name, () => {
      it("names only exported store functions, and only known states", () => {
        for (const t of m.transitions) {
          for (const fn of t.fn.split(", "))
            expect(STORE[fn], `${fn} (${t.from} --${t.event}--> ${t.to})`).to.be.a("function");
          expect(m.states).to.include(t.from);
          expect(m.states).to.include(t.to);
        }
      });

      it("has one row per (from, event) unless the event's next state is reported", () => {
        const chosen = m.transitions.filter((t) => !m.reported?.includes(t.event));
        const keys = chosen.map((t) => `${t.from} ${t.event}`);
        expect(new Set(keys).size).to.equal(keys.length);
      });

      it("reaches every state from the initial state", () => {
        expect([...reachable(m)].sort()).to.deep.equal([...m.states].sort());
      });

      it("leaves a terminal state only by a reopening event", () => {
        const out = m.transitions.filter((t) => m.terminal.includes(t.from));
        for (const t of out) expect(m.reopen, `${t.from} --${t.event}-->`).to.include(t.event);
        expect(m.terminal).to.not.include(m.initial);
      });

      it("refuses what the table does not list", () => {
        const [first] = m.transitions;
        expect(nextState(m, first.from, "no-such-event")).to.equal(null);
        expect(() => assertTransition(m, first.from, "no-such-event", first.to)).to.throw(
          /not in the transition table/,
        );
        expect(() => assertTransition(m, first.from, first.event, first.to)).not.to.throw();
      });
    });
  }

  it("a finished avatar job has no way out", () => {
    for (const s of TERMINAL_JOB_STATUSES) {
      expect(jobs.jobMachine.transitions.filter((t) => t.from === s)).to.deep.equal([]);
    }
  });

  it("a cancelled video is never revived by HeyGen's answers", () => {
    for (const to of VIDEO_STATES)
      expect(allows(video.videoMachine, "cancelled", "heygenStatus", to)).to.equal(false);
    expect(() => nextState(video.videoMachine, "pending", "heygenStatus")).to.throw(/reported/);
  });
});

describe("lifecycle guards without a database", () => {
  const at = new Date("2026-01-01T00:00:00Z");

  it("normalises HeyGen's words to the video states", () => {
    expect(video.normaliseStatus("waiting")).to.equal("pending");
    expect(video.normaliseStatus("rendering-ish")).to.equal("processing");
    expect(videoState({ video: null })).to.equal("none");
    expect(video.isTerminalVideoStatus("completed")).to.equal(true);
    expect(video.isTerminalVideoStatus("waiting")).to.equal(false);
    expect(video.isTerminalVideoStatus(undefined)).to.equal(false);
  });

  it("wakes the archive trigger only on the write that queued the video", () => {
    const p = (state: string | null) => ({ userId: "u", archive: state ? run(state) : null });
    expect(archive.archiveJustQueued(p(null), p("pending"))).to.equal(true);
    expect(archive.archiveJustQueued(p("pending"), p("pending"))).to.equal(false);
    expect(archive.archiveJustQueued(p("pending"), p("running"))).to.equal(false);
    expect(archive.archiveJustQueued(undefined, p("done"))).to.equal(false);
  });

  it("wakes the background run only on the write that deferred a generate", () => {
    const p = (state: string) => ({ userId: "u", generation: run(state) });
    expect(generation.generationJustDeferred(p("submitting"), p("preparing"))).to.equal(true);
    expect(generation.generationJustDeferred(p("preparing"), p("preparing"))).to.equal(false);
    expect(generation.generationJustDeferred(p("preparing"), p("submitting"))).to.equal(false);
  });

  it("creates a job queued, with its first history entry, and the schema reads it back", () => {
    const doc = jobs.newQueuedJob({
      user_id: "u",
      provider: "avatar-sdk",
      options: { output: "glb", blendshapes: "arkit", realism: "high" },
      selfie_path: "selfies/u/j.jpg",
      now: at,
    });
    expect(nextState(jobs.jobMachine, "none", "create")).to.equal(doc.job.state);
    expect(doc.status, "the seed's status mirrors the run").to.equal(doc.job.state);
    const parsed = avatarJobSchema.parse(doc);
    expect(parsed.job.history.map((h) => h.state)).to.deep.equal(["queued"]);
    expect(parsed.job.nextAttemptAt?.toMillis()).to.equal(at.getTime() + jobs.QUEUED_PICKUP_MS);
  });

  it("keeps the last HISTORY_LIMIT history entries", () => {
    let history = appendHistory([], { state: "s0", at });
    for (let i = 1; i < HISTORY_LIMIT + 10; i++)
      history = appendHistory(history, { state: `s${i}`, at });
    expect(history).to.have.length(HISTORY_LIMIT);
    expect(history[0].state).to.equal("s10");
    expect(history[HISTORY_LIMIT - 1].state).to.equal(`s${HISTORY_LIMIT + 9}`);
  });

  it("fills in a machine's sub-object: no attempts, lease, next attempt, error or history yet", () => {
    const p = projectSchema.parse({ userId: "u", archive: { state: "pending" } });
    expect(p.archive).to.deep.include({
      attempts: 0,
      lease: null,
      nextAttemptAt: null,
      error: null,
      history: [],
    });
  });

  it("has every lease-holding event check the holder's token first", () => {
    expect(eventNeedsLease(generation.generationMachine, "submitted")).to.equal(true);
    expect(eventNeedsLease(generation.generationMachine, "claim")).to.equal(false);
    expect(eventNeedsLease(jobs.jobMachine, "done")).to.equal(true);
    expect(eventNeedsLease(jobs.jobMachine, "cancel")).to.equal(false);
    expect(eventNeedsLease(erasure.erasureMachine, "step")).to.equal(true);
  });
});

/** A machine's sub-object in a state, as stored. */
const run = (state: string) => ({ state });
const project = (fields: Record<string, unknown>): Project =>
  projectSchema.parse({ userId: "u", ...fields });
const videoIn = (state: string) => ({
  state,
  apiVersion: "v3",
  submittedAt: { toMillis: () => 0, toDate: () => new Date(0) },
});

describe("the step a person sees (project-step.ts)", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["nothing asked yet", {}, "preparing"],
    ["a claim in flight", { generation: run("submitting") }, "preparing"],
    ["deferred for its look", { generation: run("preparing") }, "preparing"],
    ["a failed generate", { generation: run("failed") }, "failed"],
    ["rendering", { generation: run("submitted"), video: videoIn("processing") }, "rendering"],
    ["pending at HeyGen", { generation: run("submitted"), video: videoIn("pending") }, "rendering"],
    [
      "copied into Storage",
      { generation: run("submitted"), video: videoIn("completed"), archive: run("running") },
      "saving",
    ],
    [
      "archived",
      { generation: run("submitted"), video: videoIn("completed"), archive: run("done") },
      "done",
    ],
    [
      "archival retrying: the video plays from HeyGen meanwhile",
      { generation: run("submitted"), video: videoIn("completed"), archive: run("failed") },
      "done",
    ],
    ["failed at HeyGen", { generation: run("submitted"), video: videoIn("failed") }, "failed"],
    [
      "cancelled by the server",
      { generation: run("submitted"), video: videoIn("cancelled") },
      "failed",
    ],
    [
      "a retry after a failed video",
      { generation: run("submitting"), video: videoIn("failed") },
      "preparing",
    ],
    [
      "a failed retry of a completed video",
      { generation: run("failed"), video: videoIn("completed"), archive: run("done") },
      "failed",
    ],
  ];
  for (const [what, fields, step] of cases) {
    it(`${what}: ${step}`, () => expect(projectStep(project(fields))).to.equal(step));
  }

  it("shows a failure's message with it, the generation's before the video's, and none otherwise", () => {
    const cancelled = {
      ...videoIn("cancelled"),
      error: { code: "ACCOUNT_ERASED", message: "Cancelled: the account is being erased." },
    };
    expect(
      projectMirrors(project({ generation: run("submitted"), video: cancelled })),
    ).to.deep.equal({
      step: "failed",
      error: cancelled.error,
    });
    const failed = { ...run("failed"), error: { code: "CONSENT_REQUIRED", message: "consent" } };
    expect(projectMirrors(project({ generation: failed, video: cancelled })).error).to.deep.equal(
      failed.error,
    );
    expect(
      projectMirrors(project({ generation: run("submitting"), video: cancelled })),
    ).to.deep.equal({ step: "preparing", error: null });
  });
});

describe("docs/lifecycles.md", () => {
  it("is what the tables render (run devtools/lifecycles-doc.ts after a change)", () => {
    expect(readFileSync(LIFECYCLES_FILE, "utf8")).to.equal(renderLifecyclesDoc());
  });

  it("carries each table's diagram", () => {
    const doc = readFileSync(LIFECYCLES_FILE, "utf8");
    for (const m of MACHINES) expect(doc).to.include(renderMermaid(m));
  });
});
