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
import * as erasure from "../../src/store/erasure-lifecycle";
import { avatarJobSchema, TERMINAL_JOB_STATUSES } from "../../src/store/avatar-jobs";
import { projectSchema } from "../../src/store/projects";
import {
  allows,
  appendHistory,
  assertTransition,
  HISTORY_LIMIT,
  nextState,
  renderMermaid,
  type Machine,
} from "../../src/store/state-machine";
import { LIFECYCLES_FILE, renderLifecyclesDoc } from "../../devtools/lifecycles-doc";

/** The store's transition functions: a project's machines call into each other's. */
const STORE: Record<string, unknown> = {
  ...generation,
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
    for (const to of video.VIDEO_STATES)
      expect(allows(video.videoMachine, "cancelled", "heygenStatus", to)).to.equal(false);
    expect(() => nextState(video.videoMachine, "pending", "heygenStatus")).to.throw(/reported/);
  });
});

describe("lifecycle guards without a database", () => {
  const at = new Date("2026-01-01T00:00:00Z");

  it("normalises HeyGen's words to the video states", () => {
    expect(video.videoState({ heygenStatus: "waiting" })).to.equal("pending");
    expect(video.videoState({ heygenStatus: "rendering-ish" })).to.equal("processing");
    expect(video.videoState({ heygenStatus: null })).to.equal("none");
    expect(video.isTerminalVideoStatus("completed")).to.equal(true);
    expect(video.isTerminalVideoStatus("waiting")).to.equal(false);
    expect(video.isTerminalVideoStatus(undefined)).to.equal(false);
  });

  it("queues a completed video for archival once", () => {
    const project = projectSchema.parse({ userId: "u", archiveState: null });
    const queued = archive.queueArchive(project, at, []);
    expect(queued).to.include({ archiveState: "pending" });
    expect(queued.history.map((h) => [h.machine, h.state])).to.deep.equal([["archive", "pending"]]);
    const again = projectSchema.parse({ userId: "u", archiveState: "pending" });
    expect(archive.queueArchive(again, at, [])).to.deep.equal({ history: [] });
    const archived = projectSchema.parse({ userId: "u", archivedVideoPath: "videos/u/p.mp4" });
    expect(archive.queueArchive(archived, at, [])).to.not.have.property("archiveState");
  });

  it("wakes the archive trigger only on the write that queued the video", () => {
    const p = (archiveState: string | null) => ({ userId: "u", archiveState });
    expect(archive.archiveJustQueued(p(null), p("pending"))).to.equal(true);
    expect(archive.archiveJustQueued(p("pending"), p("pending"))).to.equal(false);
    expect(archive.archiveJustQueued(p("pending"), p("running"))).to.equal(false);
    expect(archive.archiveJustQueued(undefined, p("done"))).to.equal(false);
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

  it("reads an older project and job without history", () => {
    expect(projectSchema.parse({ userId: "u" }).history).to.deep.equal([]);
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
