/**
 * What a transition of a machine's job shape (job-shape.ts) would write, decided without
 * Firestore: `planTransition` takes the document as read, the caller's lease and the
 * event, and answers the update to write or why nothing is written. leasedTransition
 * (leased-transition.ts) reads the document, calls it and writes its update; keeping the
 * decision here lets the unit tier check every lease rule:
 *
 * - an event whose every row holds or releases the lease is refused to a caller without
 *   the lease's token, whatever the state (a late worker is told, not ignored);
 * - `take`: a live lease of someone else makes the caller "busy"; an absent lease, or one
 *   that ended (its `until` at or before now), is replaced by the caller's new one;
 * - `hold` / `release`: only the token's holder; release ends the lease;
 * - `clear`: the lease ends whoever holds it; no effect: the lease stays as it is.
 */
import { FieldValue, Timestamp, type Transaction } from "firebase-admin/firestore";
import type { z } from "zod";
import { appendHistory, leaseLive, type JobState, type Lease } from "./job-shape";
import { eventNeedsLease, transitionFrom, type LeaseEffect, type Machine } from "./state-machine";

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

/** Why nothing is written: busy (someone else's live lease), refused (the caller's lease is gone), not in the table, declined by `write`. */
export type NotWritten = "busy" | "refused" | "not-allowed" | "declined";

export type Planned<D> =
  { outcome: "written"; update: Record<string, unknown>; after: D } | { outcome: NotWritten };

/** The lease after a row's effect, or why the caller may not make the move. */
export type LeaseDecision =
  { outcome: "ok"; lease: Lease | null } | { outcome: "busy" | "refused" };

/** Whether the caller presents the token of the lease now held. */
export const holdsLease = (held: Lease | null | undefined, caller: LeaseArg): boolean =>
  !!caller && !!held && held.token === caller.token;

/** What a row's lease effect makes of the held lease for this caller (see the file's comment). */
export function leaseDecision(
  effect: LeaseEffect | undefined,
  held: Lease | null,
  caller: LeaseArg,
  now: Date,
  what = "taking the lease",
): LeaseDecision {
  if (effect === "take") {
    if (!caller || !("until" in caller)) throw new Error(`${what} needs a new lease`);
    return leaseLive(held, now) ? { outcome: "busy" } : { outcome: "ok", lease: caller };
  }
  if (effect === "hold" || effect === "release") {
    if (!holdsLease(held, caller)) return { outcome: "refused" };
    return { outcome: "ok", lease: effect === "release" ? null : held };
  }
  return { outcome: "ok", lease: effect === "clear" ? null : held };
}

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

/**
 * The update that moves machine `m` of document `before` by `event` under the caller's
 * `lease` (with the other machines `spec.also` moves and the document's mirrors), and the
 * document after it; or why nothing is written.
 */
export function planTransition<S extends string, D, C>(
  m: StoredMachine<S, D>,
  lease: LeaseArg,
  event: string,
  spec: Pick<TransitionSpec<S, D, C>, "now" | "to" | "write" | "also">,
  before: D,
  context: C,
): Planned<D> {
  const sub = m.of(before) ?? null;
  const from = sub?.state ?? m.initial;
  // Under a lease the token is checked first, whatever the state: a late worker is told.
  if (eventNeedsLease(m, event) && !holdsLease(sub?.lease, lease)) return { outcome: "refused" };
  const row = transitionFrom(m, from, event, spec.to);
  if (!row) return { outcome: "not-allowed" };
  const decided = leaseDecision(
    row.lease,
    sub?.lease ?? null,
    lease,
    spec.now,
    `${m.name}: ${event}`,
  );
  if (decided.outcome !== "ok") return decided;
  const w = spec.write ? spec.write(before, { from, to: row.to }, context) : {};
  if (w === null) return { outcome: "declined" };
  const update: Record<string, unknown> = {
    ...stored(w.doc),
    [m.field]: moved(from, sub, row.to, decided.lease, w.job, spec.now),
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
