/**
 * The shape every lifecycle in store/ declares: its states, its terminal states, and
 * a transition table `{from, event, to, fn, by}` (fn: the store function that makes
 * the transition; by: the services that call it). The transition functions take their
 * next state from the table (`nextState`), so a write the table does not list cannot
 * happen; the unit test checks the tables, and devtools/lifecycles-doc.ts renders them.
 */
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

export interface Transition<S extends string> {
  from: S;
  event: string;
  to: S;
  /** The exported store function(s) that make this transition, comma-separated. */
  fn: string;
  /** Who calls it (services or triggers). */
  by: string;
}

export interface Machine<S extends string> {
  name: string;
  /** Where it lives on the document, as a newcomer looks for it. */
  field: string;
  /** The state of a document this machine has not touched yet (no field written). */
  initial: S;
  states: readonly S[];
  /** Nothing runs for these; they are left only by the table's `reopen` events. */
  terminal: readonly S[];
  /** Events allowed out of a terminal state (a new video, a new attempt). */
  reopen: readonly string[];
  /**
   * Events whose next state the caller reports (HeyGen's answer) instead of the table
   * choosing it: checked with `allows(from, event, to)`; they may have several rows per
   * from-state. Every other event has one row per from-state (`nextState`).
   */
  reported?: readonly string[];
  transitions: readonly Transition<S>[];
}

/** The state `event` leads to from `from`, or null when the table does not allow it. */
export function nextState<S extends string>(m: Machine<S>, from: S, event: string): S | null {
  if (m.reported?.includes(event)) throw new Error(`${m.name}: ${event} is reported; use allows()`);
  return m.transitions.find((t) => t.from === from && t.event === event)?.to ?? null;
}

/** Whether the table has `from --event--> to`. */
export const allows = <S extends string>(m: Machine<S>, from: S, event: string, to: S): boolean =>
  m.transitions.some((t) => t.from === from && t.event === event && t.to === to);

/** A transition the table does not allow: a bug in the caller, not a race. */
export function assertTransition<S extends string>(
  m: Machine<S>,
  from: S,
  event: string,
  to: S,
): void {
  if (!allows(m, from, event, to)) {
    throw new Error(`${m.name}: ${from} --${event}--> ${to} is not in the transition table`);
  }
}

export const isTerminal = <S extends string>(m: Machine<S>, s: string): boolean =>
  (m.terminal as readonly string[]).includes(s);

/** mermaid `stateDiagram-v2` of a table: one edge per (from, to), its events joined. */
export function renderMermaid<S extends string>(m: Machine<S>): string {
  const id = (s: string) => (s === m.initial ? "[*]" : s);
  const edges = new Map<string, string[]>();
  for (const t of m.transitions) {
    const key = `${id(t.from)} --> ${t.to}`;
    const events = edges.get(key) ?? [];
    if (!events.includes(t.event)) events.push(t.event);
    edges.set(key, events);
  }
  const lines = ["stateDiagram-v2"];
  for (const [edge, events] of edges) lines.push(`    ${edge}: ${events.join(", ")}`);
  for (const s of m.terminal) lines.push(`    ${s} --> [*]`);
  return lines.join("\n");
}

/** One entry of a document's bounded `history` (the web client's timeline). */
export const historyEntrySchema = z.object({
  machine: z.string().optional(),
  state: z.string(),
  at: z.custom<Timestamp>((v) => typeof (v as Timestamp)?.toDate === "function"),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export const historySchema = z.array(historyEntrySchema).default([]);

export const HISTORY_LIMIT = 50;

/** The history with `{state, at}` appended, keeping the last HISTORY_LIMIT entries. */
export function appendHistory(
  history: readonly HistoryEntry[] | undefined,
  entry: { machine?: string; state: string; at: Date },
): HistoryEntry[] {
  const next = { ...entry, at: Timestamp.fromDate(entry.at) };
  return [...(history ?? []), next].slice(-HISTORY_LIMIT);
}

/** A fresh lease token: every write under the lease must present it. */
export const newLeaseToken = (): string => randomUUID();
