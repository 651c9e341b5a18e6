/**
 * Scores of a lip-sync output on the reference set, the same way for the backend's
 * timeline and for the browser heuristic: per class, the share of syllables in which the
 * right mouth shape shows for at least one analysis frame (16 ms), the share of their
 * time it shows, and the share of the syllables without that shape in which it shows
 * all the same (a shape shown everywhere is "shown" in every syllable and tells nothing);
 * and the share of the silent stretches shown as silence.
 */
import type { ReferenceClass, ReferenceItem, ReferenceSet } from "./reference-set";
import { REFERENCE_CLASSES } from "./reference-set";

/** What an output shows at a time: a label (null = mouth at rest). */
export type LabelAt = (t: number) => string | null;

export interface ClassScore {
  /** Syllables of the class in which the right shape shows for ≥ 16 ms. */
  shown: number;
  /** Share of the syllables' time showing the right shape. */
  timeShare: number;
  /** Syllables without this class's shape in which it shows for ≥ 16 ms all the same. */
  shownElsewhere: number;
  syllables: number;
}

export interface ReferenceScores {
  classes: Record<ReferenceClass, ClassScore>;
  /** Share of the points sampled in silences that show silence. */
  silenceShare: number;
  /** For each class, what was shown most during its syllables (label → share of time). */
  confusion: Record<ReferenceClass, Record<string, number>>;
}

const STEP = 0.004;
const MIN_SHOWN = 0.016;
/** The edges of a silence next to sound are not scored: an analysis window straddles them. */
const GUARD = 0.05;

/** Whether `labels` show for at least `MIN_SHOWN` of the item's time. */
function shows(item: ReferenceItem, labelAt: LabelAt, labels: readonly string[]): boolean {
  let hit = 0;
  for (let t = item.t + STEP / 2; t < item.t + item.d; t += STEP) {
    const label = labelAt(t);
    if (label !== null && labels.includes(label)) hit++;
  }
  return hit * STEP >= MIN_SHOWN;
}

export function scoreReference(
  set: ReferenceSet,
  labelAt: LabelAt,
  expected: Record<ReferenceClass, readonly string[]>,
): ReferenceScores {
  const classes = {} as Record<ReferenceClass, ClassScore>;
  const confusion = {} as Record<ReferenceClass, Record<string, number>>;
  for (const cls of REFERENCE_CLASSES) {
    const items = set.items.filter((i: ReferenceItem) => i.cls === cls);
    let right = 0;
    let total = 0;
    const seen: Record<string, number> = {};
    for (const item of items) {
      for (let t = item.t + STEP / 2; t < item.t + item.d; t += STEP) {
        const label = labelAt(t) ?? "rest";
        seen[label] = (seen[label] ?? 0) + 1;
        total++;
        if (expected[cls].includes(label)) right++;
      }
    }
    const others = set.items.filter((i) => !i.contains.includes(cls));
    classes[cls] = {
      shown: items.filter((i) => shows(i, labelAt, expected[cls])).length / items.length,
      timeShare: right / Math.max(1, total),
      shownElsewhere:
        others.filter((i) => shows(i, labelAt, expected[cls])).length / Math.max(1, others.length),
      syllables: items.length,
    };
    confusion[cls] = Object.fromEntries(
      Object.entries(seen)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, Math.round((v / total) * 100) / 100]),
    );
  }
  let silent = 0;
  let points = 0;
  for (const s of set.silences) {
    for (let t = s.t + GUARD; t < s.t + s.d - GUARD; t += STEP) {
      points++;
      if (labelAt(t) === null) silent++;
    }
  }
  return { classes, silenceShare: silent / Math.max(1, points), confusion };
}
