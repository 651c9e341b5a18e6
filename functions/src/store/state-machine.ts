/**
 * The shape every lifecycle in store/ declares: its states, its terminal states, and
 * a transition table `{from, event, to, lease, fn, by}` (lease: what the transition does
 * with the machine's lease; fn: the store function that makes it; by: who calls it).
 * Every write of a machine's state goes through `leasedTransition` (leased-transition.ts),
 * which takes the next state from the table, so a write the table does not list cannot
 * happen; the unit test checks the tables, and devtools/lifecycles-doc.ts renders them.
 */

/**
 * What a transition does with the machine's lease (job-shape.ts `lease`):
 * - take: the caller's new lease replaces an absent or expired one (a live one: "busy");
 * - hold: the caller must hold the lease (its token), which stays;
 * - release: the caller must hold the lease, which ends;
 * - clear: the lease ends whoever holds it (an ending or a reset by someone else: the
 *   holder's later writes are refused because its token is gone).
 * No lease effect: the lease, if any, is left as it is and not checked.
 */
export type LeaseEffect = "take" | "hold" | "release" | "clear";

export interface Transition<S extends string> {
  from: S;
  event: string;
  to: S;
  lease?: LeaseEffect;
  /** The exported store function(s) that make this transition, comma-separated. */
  fn: string;
  /** Who calls it (services or triggers). */
  by: string;
}

export interface Machine<S extends string> {
  name: string;
  /** The collection of the documents it lives on. */
  collection: string;
  /** The document's sub-object holding its state (job-shape.ts). */
  field: string;
  /** The state of a document this machine has not touched yet (no sub-object written). */
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

/** The row `event` takes from `from`, or null when the table does not allow it. */
export function transitionFrom<S extends string>(
  m: Machine<S>,
  from: S,
  event: string,
  reportedTo?: S,
): Transition<S> | null {
  const reported = m.reported?.includes(event) ?? false;
  if (reported && reportedTo === undefined)
    throw new Error(`${m.name}: ${event} is reported; give the state it reports`);
  if (!reported && reportedTo !== undefined)
    throw new Error(`${m.name}: ${event} is chosen by the table, not reported`);
  return (
    m.transitions.find(
      (t) =>
        t.from === from && t.event === event && (reportedTo === undefined || t.to === reportedTo),
    ) ?? null
  );
}

/** The state `event` leads to from `from`, or null when the table does not allow it. */
export function nextState<S extends string>(m: Machine<S>, from: S, event: string): S | null {
  return transitionFrom(m, from, event)?.to ?? null;
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

/** Whether every row of `event` needs the caller's lease (hold or release). */
export const eventNeedsLease = <S extends string>(m: Machine<S>, event: string): boolean => {
  const rows = m.transitions.filter((t) => t.event === event);
  return rows.length > 0 && rows.every((t) => t.lease === "hold" || t.lease === "release");
};

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
