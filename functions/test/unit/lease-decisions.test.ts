/**
 * The lease rules of the one writer, decided without Firestore (src/store/transition-plan.ts,
 * job-shape.ts): who may claim, a take-over once a lease ended, a fenced write refused to a
 * stale token, and what every transition writes (state, lease, history, the caller's fields,
 * other machines, mirrors, the schema check); and the erasure's claim (store/erasure-claim.ts).
 */
import { expect } from "chai";
import { FieldValue, Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import {
  HISTORY_LIMIT,
  jobShapeSchema,
  leaseLive,
  newLease,
  type Lease,
} from "../../src/store/job-shape";
import { allows, assertTransition, transitionFrom } from "../../src/store/state-machine";
import {
  holdsLease,
  leaseDecision,
  planTransition,
  startedJob,
  type StoredMachine,
} from "../../src/store/transition-plan";
import { erasureClaim } from "../../src/store/erasure-claim";

const NOW = new Date("2026-12-01T12:00:00.000Z");
const ts = (ms: number) => Timestamp.fromMillis(NOW.getTime() + ms);
const lease = (token: string, untilMs: number): Lease => ({ token, until: ts(untilMs) });

const RUN_STATES = ["open", "working", "done"] as const;
type RunState = "none" | (typeof RUN_STATES)[number];
const SIDE_STATES = ["on", "off"] as const;
type SideState = "none" | (typeof SIDE_STATES)[number];

const docSchema = z.object({
  owner: z.string(),
  note: z.string().optional(),
  mirror: z.string().optional(),
  run: jobShapeSchema(RUN_STATES).extend({ extra: z.number().optional() }).nullish(),
  side: jobShapeSchema(SIDE_STATES).nullish(),
});
type Doc = z.infer<typeof docSchema>;

const by = "the test";
const machine: StoredMachine<RunState, Doc> = {
  name: "toy",
  collection: "toys",
  schema: docSchema,
  field: "run",
  logKey: "toyId",
  initial: "none",
  states: ["none", ...RUN_STATES],
  terminal: ["done"],
  reopen: [],
  reported: ["report"],
  of: (d) => d.run,
  transitions: [
    { from: "none", event: "create", to: "open", fn: "f", by },
    { from: "open", event: "claim", to: "working", lease: "take", fn: "f", by },
    { from: "working", event: "step", to: "working", lease: "hold", fn: "f", by },
    { from: "working", event: "finish", to: "done", lease: "release", fn: "f", by },
    { from: "working", event: "reset", to: "open", lease: "clear", fn: "f", by },
    { from: "working", event: "note", to: "working", fn: "f", by },
    { from: "open", event: "report", to: "done", fn: "f", by },
    { from: "open", event: "report", to: "working", fn: "f", by },
  ],
};

const side: StoredMachine<SideState, Doc> = {
  name: "side",
  collection: "toys",
  schema: docSchema,
  field: "side",
  logKey: "toyId",
  initial: "none",
  states: ["none", ...SIDE_STATES],
  terminal: [],
  reopen: [],
  of: (d) => d.side,
  transitions: [
    { from: "none", event: "start", to: "on", fn: "f", by },
    { from: "on", event: "touch", to: "on", fn: "f", by },
    { from: "on", event: "wipe", to: "off", lease: "clear", fn: "f", by },
    { from: "on", event: "grab", to: "on", lease: "take", fn: "f", by },
  ],
};

const run = (state: RunState, held: Lease | null = null, more: Record<string, unknown> = {}) =>
  ({
    state,
    attempts: 2,
    lease: held,
    nextAttemptAt: null,
    error: null,
    history: [{ state, at: ts(-60000) }],
    ...more,
  }) as Doc["run"];

const doc = (r: Doc["run"], extra: Partial<Doc> = {}): Doc => ({ owner: "u1", run: r, ...extra });
const plan = (
  before: Doc,
  caller: Lease | { token: string } | null,
  event: string,
  spec: Partial<Parameters<typeof planTransition<RunState, Doc, string>>[3]> = {},
  m: StoredMachine<RunState, Doc> = machine,
) => planTransition(m, caller, event, { now: NOW, ...spec }, before, "ctx");

const written = (p: ReturnType<typeof plan>) => {
  if (p.outcome !== "written") throw new Error(`expected written, got ${p.outcome}`);
  return p;
};
const runOf = (p: ReturnType<typeof plan>) =>
  written(p).update.run as NonNullable<Doc["run"]> & Record<string, unknown>;

describe("leaseLive and newLease (job-shape.ts)", () => {
  it("a lease is live strictly before its end, and absent leases are not", () => {
    expect(leaseLive(lease("t", 1), NOW)).to.equal(true);
    expect(leaseLive(lease("t", 0), NOW)).to.equal(false);
    expect(leaseLive(lease("t", -1), NOW)).to.equal(false);
    expect(leaseLive(null, NOW)).to.equal(false);
    expect(leaseLive(undefined, NOW)).to.equal(false);
  });

  it("a new lease ends `ms` from now under a fresh random token", () => {
    const a = newLease(NOW, 5000);
    const b = newLease(NOW, 5000);
    expect(a.until.toMillis()).to.equal(NOW.getTime() + 5000);
    expect(a.token).to.match(/^[0-9a-f-]{36}$/);
    expect(a.token).to.not.equal(b.token);
  });
});

describe("leaseDecision: what a row's lease effect allows", () => {
  const held = lease("held", 60000);

  it("take: refused as busy while someone's lease is live, granted once it ended", () => {
    const mine = lease("mine", 120000);
    expect(leaseDecision("take", held, mine, NOW)).to.deep.equal({ outcome: "busy" });
    expect(leaseDecision("take", lease("old", 0), mine, NOW)).to.deep.equal({
      outcome: "ok",
      lease: mine,
    });
    expect(leaseDecision("take", null, mine, NOW)).to.deep.equal({ outcome: "ok", lease: mine });
  });

  it("take: needs a new lease, not a token or nothing (a bug in the caller)", () => {
    expect(() => leaseDecision("take", null, { token: "t" }, NOW, "toy: claim")).to.throw(
      "toy: claim needs a new lease",
    );
    expect(() => leaseDecision("take", null, null, NOW)).to.throw(
      "taking the lease needs a new lease",
    );
  });

  it("hold and release: only the token's holder; release ends the lease", () => {
    expect(leaseDecision("hold", held, { token: "held" }, NOW)).to.deep.equal({
      outcome: "ok",
      lease: held,
    });
    expect(leaseDecision("release", held, { token: "held" }, NOW)).to.deep.equal({
      outcome: "ok",
      lease: null,
    });
    for (const effect of ["hold", "release"] as const) {
      expect(leaseDecision(effect, held, { token: "stale" }, NOW)).to.deep.equal({
        outcome: "refused",
      });
      expect(leaseDecision(effect, held, null, NOW)).to.deep.equal({ outcome: "refused" });
      expect(leaseDecision(effect, null, { token: "held" }, NOW)).to.deep.equal({
        outcome: "refused",
      });
    }
  });

  it("a holder whose lease ended still holds it until someone takes it over", () => {
    const ended = lease("held", -1000);
    expect(leaseDecision("hold", ended, { token: "held" }, NOW)).to.deep.equal({
      outcome: "ok",
      lease: ended,
    });
  });

  it("clear ends the lease whoever asks; no effect leaves it as it is", () => {
    expect(leaseDecision("clear", held, null, NOW)).to.deep.equal({ outcome: "ok", lease: null });
    expect(leaseDecision(undefined, held, null, NOW)).to.deep.equal({ outcome: "ok", lease: held });
    expect(leaseDecision(undefined, null, { token: "x" }, NOW)).to.deep.equal({
      outcome: "ok",
      lease: null,
    });
  });

  it("holdsLease compares tokens, and nothing holds an absent lease", () => {
    expect(holdsLease(held, { token: "held" })).to.equal(true);
    expect(holdsLease(held, { token: "other" })).to.equal(false);
    expect(holdsLease(held, null)).to.equal(false);
    expect(holdsLease(null, { token: "held" })).to.equal(false);
    expect(holdsLease(undefined, { token: "" })).to.equal(false);
  });
});

describe("planTransition: claims and take-overs", () => {
  it("claims an unleased job: the caller's lease, the next state, the history appended", () => {
    const mine = lease("mine", 60000);
    const r = runOf(plan(doc(run("open")), mine, "claim"));
    expect(r.state).to.equal("working");
    expect(r.lease).to.deep.equal(mine);
    expect(r.attempts).to.equal(2);
    expect(r.history.map((h) => h.state)).to.deep.equal(["open", "working"]);
    expect(r.history[1].at.toMillis()).to.equal(NOW.getTime());
  });

  it("is busy while another worker's lease is live, and takes over once it ended", () => {
    const mine = lease("mine", 60000);
    const live = doc(run("open", lease("theirs", 1)));
    expect(plan(live, mine, "claim")).to.deep.equal({ outcome: "busy" });
    const ended = doc(run("open", lease("theirs", 0)));
    expect(runOf(plan(ended, mine, "claim")).lease).to.deep.equal(mine);
  });

  it("a claim without a new lease is a bug, named after the machine and event", () => {
    expect(() => plan(doc(run("open")), { token: "t" }, "claim")).to.throw(
      "toy: claim needs a new lease",
    );
  });

  it("is not allowed from a state the table has no row for", () => {
    expect(plan(doc(run("done")), lease("mine", 60000), "claim")).to.deep.equal({
      outcome: "not-allowed",
    });
    expect(plan(doc(run("open")), null, "finish-nothing")).to.deep.equal({
      outcome: "not-allowed",
    });
  });
});

describe("planTransition: fenced writes", () => {
  const held = lease("held", 60000);

  it("a write under the held token keeps the lease; release ends it", () => {
    expect(runOf(plan(doc(run("working", held)), { token: "held" }, "step")).lease).to.deep.equal(
      held,
    );
    const r = runOf(plan(doc(run("working", held)), { token: "held" }, "finish"));
    expect(r.state).to.equal("done");
    expect(r.lease).to.equal(null);
  });

  it("a stale token is refused before the table is asked, whatever the state", () => {
    expect(plan(doc(run("working", held)), { token: "stale" }, "step")).to.deep.equal({
      outcome: "refused",
    });
    expect(plan(doc(run("working", held)), null, "finish")).to.deep.equal({ outcome: "refused" });
    // Ended and taken over: the old holder is told, not "not-allowed".
    expect(plan(doc(run("done", null)), { token: "held" }, "finish")).to.deep.equal({
      outcome: "refused",
    });
  });

  it("the holder of the token in a state without the row is not allowed", () => {
    expect(plan(doc(run("open", held)), { token: "held" }, "step")).to.deep.equal({
      outcome: "not-allowed",
    });
  });

  it("an event with a leased row and an unleased one does not need the token", () => {
    const mixed: StoredMachine<RunState, Doc> = {
      ...machine,
      transitions: [
        ...machine.transitions,
        { from: "open", event: "step", to: "open", fn: "f", by },
      ],
    };
    expect(runOf(plan(doc(run("open")), null, "step", {}, mixed)).state).to.equal("open");
    expect(plan(doc(run("working", held)), null, "step", {}, mixed)).to.deep.equal({
      outcome: "refused",
    });
  });

  it("clear ends the lease without the token; an unleased row leaves it as it was", () => {
    const r = runOf(plan(doc(run("working", held)), null, "reset"));
    expect(r.state).to.equal("open");
    expect(r.lease).to.equal(null);
    expect(runOf(plan(doc(run("working", held)), null, "note")).lease).to.deep.equal(held);
  });
});

describe("planTransition: what is written", () => {
  it("the caller's write sees the document, the move and the context; null declines", () => {
    const seen: unknown[] = [];
    const before = doc(run("open"));
    plan(before, lease("m", 1000), "claim", {
      write: (d, move, ctx) => {
        seen.push(d, move, ctx);
        return {};
      },
    });
    expect(seen).to.deep.equal([before, { from: "open", to: "working" }, "ctx"]);
    expect(plan(before, lease("m", 1000), "claim", { write: () => null })).to.deep.equal({
      outcome: "declined",
    });
  });

  it("a refused or busy move never asks the caller's write", () => {
    let asked = false;
    const write = () => {
      asked = true;
      return {};
    };
    plan(doc(run("working", lease("x", 1000))), { token: "y" }, "step", { write });
    plan(doc(run("open", lease("x", 1000))), lease("y", 1000), "claim", { write });
    expect(asked).to.equal(false);
  });

  it("job and doc fields are written with Dates as timestamps; the rest passes as it is", () => {
    const due = new Date(NOW.getTime() + 5000);
    const p = written(
      plan(doc(run("working")), null, "note", {
        write: () => ({ job: { nextAttemptAt: due, extra: 3 }, doc: { note: "n" } }),
      }),
    );
    const r = p.update.run as Record<string, unknown>;
    expect((r.nextAttemptAt as Timestamp).toMillis()).to.equal(due.getTime());
    expect(r.extra).to.equal(3);
    expect(p.update.note).to.equal("n");
    expect(p.after.note).to.equal("n");
    expect(p.after.run?.nextAttemptAt?.toMillis()).to.equal(due.getTime());
  });

  it("the history grows only when the state changes", () => {
    const r = runOf(plan(doc(run("working")), null, "note"));
    expect(r.history.map((h) => h.state)).to.deep.equal(["working"]);
  });

  it("a first write fills the shape's defaults and records the first state", () => {
    const before: Doc = { owner: "u1" };
    const create: StoredMachine<RunState, Doc> = machine;
    const r = runOf(plan(before, null, "create", {}, create));
    expect(r).to.deep.include({ state: "open", attempts: 0, nextAttemptAt: null, error: null });
    expect(r.lease).to.equal(null);
    expect(r.history.map((h) => h.state)).to.deep.equal(["open"]);
  });

  it("a reported event moves to the state reported, if the table has it", () => {
    expect(runOf(plan(doc(run("open")), null, "report", { to: "done" })).state).to.equal("done");
    expect(runOf(plan(doc(run("open")), null, "report", { to: "working" })).state).to.equal(
      "working",
    );
    expect(plan(doc(run("open")), null, "report", { to: "open" })).to.deep.equal({
      outcome: "not-allowed",
    });
  });

  it("mirrors are computed on the document after the write and written with it", () => {
    const mirrored: StoredMachine<RunState, Doc> = {
      ...machine,
      mirrors: (after, before, now) => ({
        mirror: `${before.run?.state}->${after.run?.state}@${now.toISOString()}`,
      }),
    };
    const p = written(plan(doc(run("working")), null, "reset", {}, mirrored));
    expect(p.update.mirror).to.equal(`working->open@${NOW.toISOString()}`);
    expect(p.after.mirror).to.equal(p.update.mirror);
  });

  it("a write the schema refuses throws, naming the field; deleted fields are left out", () => {
    expect(() =>
      plan(doc(run("working")), null, "note", { write: () => ({ doc: { owner: 7 } }) }),
    ).to.throw(/toy: the write would not match the schema \(owner: /);
    const p = written(
      plan(doc(run("working"), { note: "x" }), null, "note", {
        write: () => ({ doc: { note: FieldValue.delete() } }),
      }),
    );
    expect(p.update.note).to.be.instanceOf(FieldValue);
    expect(p.after).to.not.have.property("note");
  });

  it("the schema's refusal names every field refused, nested ones by their path", () => {
    expect(() =>
      plan(doc(run("working")), null, "note", {
        write: () => ({ doc: { owner: 7 }, job: { extra: "x" } }),
      }),
    ).to.throw(/\(owner: [^;]+; run\.extra: [^)]+\)$/);
  });
});

describe("planTransition: other machines moved by the same write", () => {
  const sideRun = (state: "on" | "off", held: Lease | null) => ({
    state,
    attempts: 1,
    lease: held,
    nextAttemptAt: null,
    error: null,
    history: [{ state, at: ts(-1000) }],
  });

  it("starts another machine from its own table, with its fields", () => {
    const p = written(
      plan(doc(run("working")), null, "note", {
        also: () => [{ machine: side, event: "start", job: { attempts: 4 } }],
      }),
    );
    const s = p.update.side as Record<string, unknown>;
    expect(s).to.deep.include({ state: "on", attempts: 4, lease: null });
    expect(p.after.side?.state).to.equal("on");
  });

  it("keeps its lease on an unleased row and ends it on a clear row", () => {
    const held = lease("s", 1000);
    const keep = written(
      plan(doc(run("working"), { side: sideRun("on", held) }), null, "note", {
        also: () => [{ machine: side, event: "touch" }],
      }),
    );
    expect((keep.update.side as { lease: Lease | null }).lease).to.deep.equal(held);
    const clear = written(
      plan(doc(run("working"), { side: sideRun("on", held) }), null, "note", {
        also: () => [{ machine: side, event: "wipe" }],
      }),
    );
    expect(clear.update.side).to.deep.include({ state: "off", lease: null });
  });

  it("refuses a move the other table lacks, and a leased one", () => {
    expect(() =>
      plan(doc(run("working")), null, "note", { also: () => [{ machine: side, event: "wipe" }] }),
    ).to.throw("side: none --wipe--> is not in the table");
    expect(() =>
      plan(doc(run("working"), { side: sideRun("on", null) }), null, "note", {
        also: () => [{ machine: side, event: "grab" }],
      }),
    ).to.throw("side: grab is leased");
  });
});

describe("startedJob", () => {
  it("is the initial row's state with the given fields and a one-entry history", () => {
    const due = new Date(NOW.getTime() + 60000);
    const j = startedJob(machine, "create", NOW, { nextAttemptAt: due });
    expect(j.state).to.equal("open");
    expect(j.lease).to.equal(null);
    expect(j.attempts).to.equal(0);
    expect((j.nextAttemptAt as Timestamp).toMillis()).to.equal(due.getTime());
    expect(j.history.map((h) => h.state)).to.deep.equal(["open"]);
  });

  it("throws for an event the initial state has no row for", () => {
    expect(() => startedJob(machine, "claim", NOW)).to.throw("toy: no claim from none");
  });

  it("keeps the last HISTORY_LIMIT states", () => {
    const long = Array.from({ length: HISTORY_LIMIT }, (_, i) => ({
      state: i % 2 ? "open" : "working",
      at: ts(i),
    }));
    const r = runOf(plan(doc(run("working", null, { history: long })), null, "reset"));
    expect(r.history).to.have.length(HISTORY_LIMIT);
    expect(r.history[HISTORY_LIMIT - 1].state).to.equal("open");
  });
});

describe("erasureClaim: may a run claim the erasure", () => {
  const claimLease = lease("run", 480000);
  const erasure = (uid: string | null, nextAttemptInMs: number | null, attempts = 1) => ({
    uid,
    erasure: {
      state: "retrying" as const,
      attempts,
      lease: null,
      nextAttemptAt: nextAttemptInMs === null ? null : ts(nextAttemptInMs),
      error: null,
      history: [],
    },
  });

  it("claims a due erasure: one more run, due again when the new lease ends", () => {
    expect(erasureClaim(erasure("u1", 0, 3), NOW, claimLease, false)).to.deep.equal({
      job: { attempts: 4, nextAttemptAt: claimLease.until },
    });
    expect(erasureClaim(erasure("u1", -1), NOW, claimLease, false)).to.not.equal(null);
    expect(erasureClaim(erasure("u1", null), NOW, claimLease, false)).to.not.equal(null);
  });

  it("waits for an erasure not due yet, unless forced", () => {
    expect(erasureClaim(erasure("u1", 1), NOW, claimLease, false)).to.equal(null);
    expect(erasureClaim(erasure("u1", 1), NOW, claimLease, true)).to.deep.equal({
      job: { attempts: 2, nextAttemptAt: claimLease.until },
    });
  });

  it("never claims an erasure that is done (the uid is gone), forced or not", () => {
    expect(erasureClaim(erasure(null, 0), NOW, claimLease, true)).to.equal(null);
    expect(erasureClaim(erasure("", 0), NOW, claimLease, false)).to.equal(null);
  });
});

describe("the table's rows (state-machine.ts)", () => {
  it("transitionFrom finds the row of a from-state and event, or none", () => {
    expect(transitionFrom(machine, "open", "claim")?.to).to.equal("working");
    expect(transitionFrom(machine, "working", "claim")).to.equal(null);
    expect(transitionFrom(machine, "open", "finish")).to.equal(null);
  });

  it("a reported event needs the state it reports; a table's event refuses one", () => {
    expect(transitionFrom(machine, "open", "report", "done")?.to).to.equal("done");
    expect(transitionFrom(machine, "open", "report", "open")).to.equal(null);
    expect(() => transitionFrom(machine, "open", "report")).to.throw(
      "toy: report is reported; give the state it reports",
    );
    expect(() => transitionFrom(machine, "open", "claim", "working")).to.throw(
      "toy: claim is chosen by the table, not reported",
    );
  });

  it("allows only the exact from --event--> to of a row", () => {
    expect(allows(machine, "open", "claim", "working")).to.equal(true);
    expect(allows(machine, "working", "claim", "working")).to.equal(false);
    expect(allows(machine, "open", "step", "working")).to.equal(false);
    expect(allows(machine, "open", "claim", "done")).to.equal(false);
    expect(() => assertTransition(machine, "open", "claim", "done")).to.throw(
      "toy: open --claim--> done is not in the transition table",
    );
  });
});
