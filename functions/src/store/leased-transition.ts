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
 * by Firestore and the transition runs again on a fresh read, in a transaction. What it
 * writes is decided without Firestore by `planTransition` (transition-plan.ts).
 */
import type {
  DocumentReference,
  DocumentSnapshot,
  Timestamp,
  Transaction,
} from "firebase-admin/firestore";
import { log } from "../logs";
import {
  planTransition,
  type LeaseArg,
  type NotWritten,
  type ReadDoc,
  type TransitionSpec,
  type StoredMachine,
} from "./transition-plan";
import { runContended } from "./contended-transaction";

export { startedJob } from "./transition-plan";
export type {
  AlsoMove,
  LeaseArg,
  ReadDoc,
  StoredMachine,
  TransitionSpec,
  TransitionWrite,
} from "./transition-plan";

/** The event, or how it follows from the transaction's context (consent kept or withdrawn). */
export type EventArg<C> = string | ((context: C) => string);

export type TransitionResult<D> =
  | { outcome: "written"; before: D; after: D; writeTime: Timestamp | null }
  /** busy: a live lease is held by another; refused: the caller's lease is gone. */
  | { outcome: NotWritten; before: D }
  | { outcome: "gone"; before: null };

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
    const p = planTransition(m, lease, eventOf(context), spec, before, context);
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
    const p = planTransition(m, lease, eventOf(undefined as C), spec, before, undefined as C);
    if (p.outcome !== "written") return { outcome: p.outcome, before };
    const res = await ref.update(p.update, precondition);
    return { outcome: "written", before, after: p.after, writeTime: res.writeTime };
  }
  return runContended(ref.firestore, async (tx: Transaction) => {
    const context = await contextOf(spec, tx);
    const p = planTransition(m, lease, eventOf(context), spec, before, context);
    if (p.outcome !== "written") return { outcome: p.outcome, before };
    tx.update(ref, p.update, precondition);
    return { outcome: "written", before, after: p.after, writeTime: null };
  });
}
