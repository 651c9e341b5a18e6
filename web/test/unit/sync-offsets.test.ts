/**
 * The audio/visual sync measurement on frames made to order, and on the player's own
 * output at 60 Hz: on time, and deliberately late, so the figure can fail.
 */
import assert from "node:assert/strict";
import { mouthAt } from "../../src/avatar/coarticulation";
import { shapeSegments, type ShapeSegment } from "../../src/avatar/speech-timeline";
import {
  SYNC_GOAL,
  percentile,
  syncOffsets,
  syncReport,
  timelineSync,
  type ShownFrame,
} from "../../src/avatar/sync-offsets";
import { sampleTimeline } from "./sample-timeline";

const seg = (t: number, d: number, key: string): ShapeSegment => ({ t, d, key, weight: 1 });

/** Frames every `interval` seconds whose picture is `lateBy` seconds behind the audio clock. */
function frames(segments: ShapeSegment[], lateBy: number, interval = 1 / 60, until = 5): ShownFrame[] {
  const out: ShownFrame[] = [];
  for (let at = -0.1; at < until; at += interval) {
    out.push({ at, keys: mouthAt(segments, at - lateBy) });
  }
  return out;
}

describe("speech timeline player: audio/visual sync (no browser)", () => {
  it("offset = first frame past half-way to the shape − its sound; positive when the picture is late", () => {
    const segments = [seg(0.5, 0.2, "aa"), seg(0.7, 0.2, "E")];
    const shown: ShownFrame[] = [
      { at: 0.4, keys: {} },
      { at: 0.5, keys: { aa: 0.3 } },
      { at: 0.52, keys: { aa: 0.6 } },
      { at: 0.6, keys: { aa: 1 } },
      { at: 0.69, keys: { aa: 0.8, E: 0.2 } },
      { at: 0.72, keys: { aa: 0.3, E: 0.7 } },
      { at: 0.8, keys: { E: 0.9 } },
    ];
    const { offsets } = syncOffsets(segments, shown);
    assert.deepEqual(
      offsets.map((o) => Math.round(o)),
      [20, 20],
    );
  });

  it("counts a shape already showing as continued, and one never shown as not shown", () => {
    const segments = [seg(0.5, 0.1, "aa"), seg(0.65, 0.1, "aa"), seg(1, 0.1, "PP")];
    const shown: ShownFrame[] = [0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 1, 1.05].map((at) => ({
      at,
      keys: { aa: at <= 0.75 && at >= 0.5 ? 1 : 0 },
    }));
    const r = syncReport(segments, shown);
    assert.deepEqual([r.measured, r.continued, r.notShown], [1, 1, 1]);
  });

  it("the player on time is within the goal; 100 ms late it is not", () => {
    const segments = shapeSegments(sampleTimeline(), "visemes");
    const onTime = syncReport(segments, frames(segments, 0));
    assert.ok(onTime.offsetMs, JSON.stringify(onTime));
    assert.ok(onTime.offsetMs.p95 <= SYNC_GOAL.p95MaxMs, JSON.stringify(onTime));
    assert.ok(onTime.offsetMs.p5 >= SYNC_GOAL.p5MinMs, JSON.stringify(onTime));
    assert.ok(onTime.measured >= segments.length * 0.6, JSON.stringify(onTime));
    const late = syncReport(segments, frames(segments, 0.1));
    assert.ok((late.offsetMs?.p50 ?? 0) > onTime.offsetMs.p50 + 80, JSON.stringify(late));
    assert.ok((late.offsetMs?.p95 ?? 0) > SYNC_GOAL.p95MaxMs, JSON.stringify(late));
  });

  it("a timeline that took over mid-voice is measured only on the segments after its handover", () => {
    const segments = shapeSegments(sampleTimeline(), "visemes");
    const handover = 2;
    const logged = frames(segments, 0).map((f) => ({ ...f, source: f.at < handover ? "heuristic" : "timeline" }));
    const after = segments.filter((s) => s.t >= handover + 0.12);
    const sync = timelineSync(segments, logged, handover + 0.12);
    assert.ok(sync?.offsetMs, JSON.stringify(sync));
    assert.equal(sync.segments, after.length);
    assert.ok(sync.notShown <= after.length / 3, JSON.stringify(sync));
    const heuristicOnly = logged.map((f) => ({ ...f, source: "heuristic" }));
    assert.equal(timelineSync(segments, heuristicOnly, -Infinity), null, "no timeline frames: no sync");
  });

  it("nearest-rank percentiles", () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.deepEqual([percentile(v, 0.05), percentile(v, 0.5), percentile(v, 0.95)], [1, 5, 10]);
  });
});
