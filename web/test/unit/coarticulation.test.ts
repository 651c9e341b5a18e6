/** A timeline and a time → the mouth's shapes: ramps, anticipation, blending by dominance, rest. */
import assert from "node:assert/strict";
import { ATTACK, RELEASE, dominantKey, envelope, shapeWeightsAt } from "../../src/avatar/coarticulation";
import { firstEndingAfter, segmentAt, shapeSegments, type ShapeSegment } from "../../src/avatar/speech-timeline";
import { sampleTimeline } from "./sample-timeline";

const seg = (t: number, d: number, key: string, weight = 1): ShapeSegment => ({ t, d, key, weight });
const close = (a: number, b: number, eps = 1e-9) => Math.abs(a - b) <= eps;
const total = (w: Record<string, number>) => Object.values(w).reduce((s, v) => s + v, 0);

describe("speech timeline player: coarticulation (no browser)", () => {
  it("a lone shape shows at its weight while it sounds and rests well before and after", () => {
    const s = [seg(1, 0.5, "aa", 0.8)];
    assert.deepEqual(shapeWeightsAt(s, 1.2), { aa: 0.8 });
    assert.deepEqual(shapeWeightsAt(s, 1 - ATTACK - 0.001), {});
    assert.deepEqual(shapeWeightsAt(s, 1.5 + RELEASE + 0.001), {});
  });

  it("anticipates: the shape forms over ATTACK before its sound and fades over RELEASE after it", () => {
    const s = seg(1, 0.5, "O");
    assert.ok(close(envelope(s, 1 - ATTACK / 2), 0.5), "half formed half-way through the attack");
    assert.ok(close(envelope(s, 1), 1), "fully formed when the sound starts");
    assert.ok(close(envelope(s, 1.5 + RELEASE / 2), 0.5), "half gone half-way through the release");
    let last = -1;
    for (let t = 1 - ATTACK; t <= 1; t += 0.001) {
      const e = envelope(s, t);
      assert.ok(e >= last, `rises monotonically (${t.toFixed(3)})`);
      last = e;
    }
  });

  it("neighbours cross-fade at their boundary: equal there, never more mouth than one full shape", () => {
    const s = [seg(1, 0.3, "aa"), seg(1.3, 0.3, "E")];
    const at = shapeWeightsAt(s, 1.3);
    assert.ok(close(at.aa, 0.5) && close(at.E, 0.5), JSON.stringify(at));
    assert.equal(dominantKey(shapeWeightsAt(s, 1.29)), "aa");
    assert.equal(dominantKey(shapeWeightsAt(s, 1.31)), "E");
    for (let t = 0.9; t < 1.7; t += 0.002) assert.ok(total(shapeWeightsAt(s, t)) <= 1 + 1e-9, `at ${t}`);
  });

  it("never snaps: on a real timeline no weight moves faster than the ramps allow", () => {
    const segments = shapeSegments(sampleTimeline(), "visemes");
    const step = 0.001;
    let prev = shapeWeightsAt(segments, 0);
    let fastest = 0;
    for (let t = step; t < 3.2; t += step) {
      const now = shapeWeightsAt(segments, t);
      for (const k of new Set([...Object.keys(prev), ...Object.keys(now)])) {
        fastest = Math.max(fastest, Math.abs((now[k] ?? 0) - (prev[k] ?? 0)) / step);
      }
      prev = now;
    }
    // A smoothstep ramp over 60 ms changes at most 1.5 / 0.06 = 25 per second; the blend
    // of several ramps can add to that, but a snap (a step within one millisecond) is 1000.
    assert.ok(fastest < 60, `fastest change ${fastest.toFixed(1)} per second`);
  });

  it("lips that must close win over their neighbours, even when short", () => {
    const s = [seg(1, 0.2, "aa"), seg(1.2, 0.04, "PP"), seg(1.24, 0.2, "aa")];
    const mid = shapeWeightsAt(s, 1.22);
    assert.equal(dominantKey(mid), "PP", JSON.stringify(mid));
    assert.ok(mid.PP >= 0.5, JSON.stringify(mid));
    // A tongue consonant of the same length gives way to the vowels around it.
    const t = [seg(1, 0.2, "aa"), seg(1.2, 0.04, "DD"), seg(1.24, 0.2, "aa")];
    assert.equal(dominantKey(shapeWeightsAt(t, 1.22)), "aa");
  });

  it("rests in a long pause, and does not flash the rest pose in a short one", () => {
    const long = [seg(1, 0.3, "aa"), seg(1.7, 0.3, "aa")];
    assert.deepEqual(shapeWeightsAt(long, 1.5), {});
    const short = [seg(1, 0.3, "aa"), seg(1.36, 0.3, "E")];
    assert.ok(total(shapeWeightsAt(short, 1.33)) > 0.3, JSON.stringify(shapeWeightsAt(short, 1.33)));
  });

  it("finds segments by time", () => {
    const s = [seg(0, 0.1, "a"), seg(0.2, 0.1, "b"), seg(0.3, 0.2, "c")];
    assert.equal(firstEndingAfter(s, 0.05), 0);
    assert.equal(firstEndingAfter(s, 0.1), 1);
    assert.equal(firstEndingAfter(s, 0.6), 3);
    assert.equal(segmentAt(s, 0.15), undefined);
    assert.equal(segmentAt(s, 0.35)?.key, "c");
    assert.equal(dominantKey({ a: 0.01 }), null, "below the floor: at rest");
  });
});
