/**
 * The one writer of every machine's state (job-shape.ts): `leasedTransition` moves a
 * machine of one document by an event. It takes the next state from the machine's table
 * (state-machine.ts), applies the row's lease effect (take, hold, release, clear), appends
 * the new state to the sub-object's history, and writes in the same update what the
 * caller adds (the machine's own fields, the document's fields) and the document's
 * mirrors (the contract's top-level names, e.g. a project's `step`, a job's `status`).
 *
 * It reads the document in a transaction, or, when the caller hands it the document it
 * just read (`read`: a sweep's query page), writes without reading it again under an
 * update-time precondition: if anything wrote the document since, the write is refused
 * by Firestore and the transition runs again on a fresh read, in a transaction.
 */
import {
  FieldValue,
  Timestamp,
  type DocumentReference,
  type DocumentSnapshot,
  type Transaction,
} from "firebase-admin/firestore";
import type { z } from "zod";
import { log } from "../logs";
import { appendHistory, leaseLive, type JobState, type Lease } from "./job-shape";
import { eventNeedsLease, transitionFrom, type Machine } from "./state-machine";
import { runContended } from "./contended-transaction";

/** A machine as it lives on documents of type D. */
export interface StoredMachine<S extends string, D> extends Machine<S> {
  /** The collection's schema: every write must leave a document it accepts. */
  schema: z.ZodType<D>;
  /** Its sub-object of a document; null or undefined: not started (the initial state). */
  of(doc: D): JobState<S> | null | undefined;
  /** The id its log lines carry (projectId, jobId, erasureId). */
  logKey: string;
  /** The document's top-level mirrors after a write of any of its machines. */
  mirrors?(after: D, before: D, now: Date): Record<string, unknown>;
}

/** What a transition writes besides the state, the lease and the history. */
export interface TransitionWrite {
  /** Fields of the machine's sub-object (attempts, nextAttemptAt, error, its own). */
  job?: Record<string, unknown>;
  /** Top-level fields of the document. */
  doc?: Record<string, unknown>;
}

/** Another machine of the same document moved by the same write, from its own table. */
export interface AlsoMove<D> {
  machine: StoredMachine<string, D>;
  event: string;
  job?: Record<string, unknown>;
}

/** The document as the caller just read it, and when it was last written. */
export interface ReadDoc<D> {
  data: D;
  updateTime: Timestamp;
}

export interface TransitionSpec<S extends string, D, C = undefined> {
  now: Date;
  /** The next state of a reported event (HeyGen's answer), checked against the table. */
  to?: S;
  /**
   * Other documents the decision needs, read in the same transaction as the write (the
   * owner's consent): a change to them before the write commits makes it run again.
   */
  context?: (tx: Transaction) => Promise<C>;
  /** What else to write, from the document as read and the move; null declines (nothing written). */
  write?: (doc: D, move: { from: S; to: S }, context: C) => TransitionWrite | null;
  /** Other machines the same write moves (a new video starts with the generation's record). */
  also?: (doc: D) => AlsoMove<D>[];
  /** Write under an update-time precondition instead of reading again. */
  read?: ReadDoc<D>;
}

/** The caller's lease: a new one for `take`, the held one (its token) for `hold`/`release`. */
export type LeaseArg = Lease | { token: string } | null;

/** The event, or how it follows from the transaction's context (consent kept or withdrawn). */
export type EventArg<C> = string | ((context: C) => string);

export type TransitionResult<D> =
  | { outcome: "written"; before: D; after: D; writeTime: Timestamp | null }
  /** busy: a live lease is held by another; refused: the caller's lease is gone. */
  | { outcome: "busy" | "refused" | "not-allowed" | "declined"; before: D }
  | { outcome: "gone"; before: null };

type Planned<D> =
  | { outcome: "written"; update: Record<string, unknown>; after: D }
  | { outcome: "busy" | "refused" | "not-allowed" | "declined" };

/** Dates as Firestore stores them, so the document after the write reads like a stored one. */
function stored(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields ?? {}))
    out[k] = v instanceof Date ? Timestamp.fromDate(v) : v;
  return out;
}

/** The sub-object in state `to`, with the history appended when the state changed. */
function moved<S extends string>(
  from: S,
  sub: JobState<S> | null,
  to: S,
  lease: Lease | null,
  job: Record<string, unknown> | undefined,
  now: Date,
): JobState<S> & Record<string, unknown> {
  const history = sub?.history ?? [];
  return {
    attempts: 0,
    nextAttemptAt: null,
    error: null,
    ...sub,
    ...stored(job),
    state: to,
    lease,
    history: to !== from || !sub ? appendHistory(history, { state: to, at: now }) : history,
  };
}

/** The initial sub-object of a machine created with its document (none --event--> …). */
export function startedJob<S extends string, D>(
  m: StoredMachine<S, D>,
  event: string,
  now: Date,
  job: Record<string, unknown> = {},
): JobState<S> & Record<string, unknown> {
  const row = transitionFrom(m, m.initial, event);
  if (!row) throw new Error(`${m.name}: no ${event} from ${m.initial}`);
  return moved(m.initial, null, row.to, null, job, now);
}

function plan<S extends string, D, C>(
  m: StoredMachine<S, D>,
  lease: LeaseArg,
  event: string,
  spec: TransitionSpec<S, D, C>,
  before: D,
  context: C,
): Planned<D> {
  const sub = m.of(before) ?? null;
  const from = sub?.state ?? m.initial;
  const holds = !!lease && sub?.lease?.token === lease.token;
  // Under a lease the token is checked first, whatever the state: a late worker is told.
  if (eventNeedsLease(m, event) && !holds) return { outcome: "refused" };
  const row = transitionFrom(m, from, event, spec.to);
  if (!row) return { outcome: "not-allowed" };
  let nextLease = sub?.lease ?? null;
  if (row.lease === "take") {
    if (!lease || !("until" in lease)) throw new Error(`${m.name}: ${event} needs a new lease`);
    if (leaseLive(sub?.lease, spec.now)) return { outcome: "busy" };
    nextLease = lease;
  } else if (row.lease === "hold" || row.lease === "release") {
    if (!holds) return { outcome: "refused" };
    if (row.lease === "release") nextLease = null;
  } else if (row.lease === "clear") nextLease = null;
  const w = spec.write ? spec.write(before, { from, to: row.to }, context) : {};
  if (w === null) return { outcome: "declined" };
  const doc = stored(w.doc);
  const update: Record<string, unknown> = {
    ...doc,
    [m.field]: moved(from, sub, row.to, nextLease, w.job, spec.now),
  };
  let after = { ...before, ...update } as D;
  for (const move of spec.also?.(before) ?? []) {
    const other = move.machine;
    const s = other.of(after) ?? null;
    const f = s?.state ?? other.initial;
    const r = transitionFrom(other, f, move.event);
    if (!r) throw new Error(`${other.name}: ${f} --${move.event}--> is not in the table`);
    if (r.lease && r.lease !== "clear") throw new Error(`${other.name}: ${move.event} is leased`);
    update[other.field] = moved(
      f,
      s,
      r.to,
      r.lease ? null : (s?.lease ?? null),
      move.job,
      spec.now,
    );
    after = { ...after, [other.field]: update[other.field] } as D;
  }
  const mirrors = stored(m.mirrors?.(after, before, spec.now));
  return {
    outcome: "written",
    update: { ...update, ...mirrors },
    after: checked(m, { ...after, ...mirrors }),
  };
}

/**
 * The document after the write, as its collection's schema reads it (a field deleted by
 * the write is absent). A write that would leave a document the schema refuses is a bug
 * in its transition, not a race: it throws instead of storing it.
 */
function checked<S extends string, D>(m: StoredMachine<S, D>, after: D): D {
  const present = Object.fromEntries(
    Object.entries(after as Record<string, unknown>).filter(([, v]) => !(v instanceof FieldValue)),
  );
  const parsed = m.schema.safeParse(present);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`${m.name}: the write would not match the schema (${issues.join("; ")})`);
  }
  return parsed.data;
}

/** The parsed document, or null when it is missing or not of its collection's shape. */
function parsed<D>(snap: DocumentSnapshot<D>): D | null {
  try {
    return snap.exists ? (snap.data() ?? null) : null;
  } catch {
    return null; // the converter refused it
  }
}

/** The Firestore code of a failed update precondition. */
const FAILED_PRECONDITION = 9;

/**
 * Moves machine `m` of the document at `ref` by `event` (see the file's comment). Only
 * `written` wrote anything; `refused` (the caller's lease is gone) is logged.
 */
export async function leasedTransition<S extends string, D, C = undefined>(
  m: StoredMachine<S, D>,
  ref: DocumentReference<D>,
  lease: LeaseArg,
  event: EventArg<C>,
  spec: TransitionSpec<S, D, C>,
): Promise<TransitionResult<D>> {
  const result = await run(m, ref, lease, event, spec);
  if (result.outcome === "refused") {
    log.warn(`${m.name}: late write under an expired or taken-over lease refused`, {
      [m.logKey]: ref.id,
      event: typeof event === "string" ? event : "chosen by its context",
    });
  }
  return result;
}

const contextOf = <C>(spec: { context?: (tx: Transaction) => Promise<C> }, tx: Transaction) =>
  spec.context ? spec.context(tx) : Promise.resolve(undefined as C);

async function run<S extends string, D, C>(
  m: StoredMachine<S, D>,
  ref: DocumentReference<D>,
  lease: LeaseArg,
  event: EventArg<C>,
  spec: TransitionSpec<S, D, C>,
): Promise<TransitionResult<D>> {
  const eventOf = (c: C) => (typeof event === "string" ? event : event(c));
  const read = spec.read;
  if (read) {
    try {
      const written = await writeAsRead(m, ref, lease, eventOf, spec, read);
      if (written) return written;
    } catch (err) {
      if ((err as { code?: number }).code !== FAILED_PRECONDITION) throw err;
      // Written since the caller read it: decide again on a fresh read.
    }
  }
  return runContended(ref.firestore, async (tx: Transaction) => {
    const context = await contextOf(spec, tx);
    const before = parsed(await tx.get(ref));
    if (before === null) return { outcome: "gone", before: null };
    const p = plan(m, lease, eventOf(context), spec, before, context);
    if (p.outcome !== "written") return { outcome: p.outcome, before };
    tx.update(ref, p.update);
    return { outcome: "written", before, after: p.after, writeTime: null };
  });
}

/**
 * The write on the caller's read, under its update time: without a context a plain
 * update (its write time returned), with one inside a transaction that reads the context.
 */
async function writeAsRead<S extends string, D, C>(
  m: StoredMachine<S, D>,
  ref: DocumentReference<D>,
  lease: LeaseArg,
  eventOf: (c: C) => string,
  spec: TransitionSpec<S, D, C>,
  read: ReadDoc<D>,
): Promise<TransitionResult<D> | null> {
  const before = read.data;
  const precondition = { lastUpdateTime: read.updateTime };
  if (!spec.context) {
    const p = plan(m, lease, eventOf(undefined as C), spec, before, undefined as C);
    if (p.outcome !== "written") return { outcome: p.outcome, before };
    const res = await ref.update(p.update, precondition);
    return { outcome: "written", before, after: p.after, writeTime: res.writeTime };
  }
  return runContended(ref.firestore, async (tx: Transaction) => {
    const context = await contextOf(spec, tx);
    const p = plan(m, lease, eventOf(context), spec, before, context);
    if (p.outcome !== "written") return { outcome: p.outcome, before };
    tx.update(ref, p.update, precondition);
    return { outcome: "written", before, after: p.after, writeTime: null };
  });
}
