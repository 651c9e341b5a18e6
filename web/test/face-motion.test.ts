/**
 * The viewer's face logic without a browser: the idle face (blinks, gaze) and the
 * loudness the lip-sync normalises to. Pure functions of frames and samples.
 */
import assert from "node:assert/strict";
import { Idle } from "../src/avatar/idle";
import { loudness } from "../src/avatar/lipsync";

const MAP = { eyeBlinkLeft: "Blink_L", eyeBlinkRight: "Blink_R", eyeLookUpLeft: "LookUp_L" };

describe("3D viewer face logic (no browser)", () => {
  it("blinks every 1–8 s, fully closed for 0.1–0.3 s, on the asset's own morph names only", () => {
    const idle = new Idle(MAP);
    const dt = 1 / 60;
    const closedRuns: number[] = [];
    const starts: number[] = [];
    let run = 0;
    let last = 0;
    for (let i = 0; i < 60 * 60; i++) {
      const { morphs } = idle.frame(dt, false);
      assert.deepEqual(
        Object.keys(morphs).filter((k) => !Object.values(MAP).includes(k)),
        [],
        "only mapped morphs",
      );
      const v = morphs.Blink_L;
      assert.equal(v, morphs.Blink_R);
      if (v >= 0.999) run++;
      else if (run) {
        closedRuns.push(run * dt);
        run = 0;
      }
      if (v > 0 && last === 0) starts.push(i * dt);
      last = v;
    }
    assert.ok(starts.length >= 60 / 9 && starts.length <= 60 / 0.9, `${starts.length} blinks in a minute`);
    for (const r of closedRuns) assert.ok(r >= 0.08 && r <= 0.32, `closed for ${r.toFixed(3)} s`);
    const gaps = starts.slice(1).map((s, i) => s - starts[i]);
    // A double blink follows within 0.5–0.9 s; otherwise 1–8 s apart.
    for (const g of gaps) assert.ok(g >= 0.45 && g <= 8.6, `gap ${g.toFixed(2)} s`);
  });

  it("the head sways a little and stays within its bounds", () => {
    const idle = new Idle(MAP);
    let moved = false;
    for (let i = 0; i < 60 * 20; i++) {
      const { head } = idle.frame(1 / 60, i > 600);
      assert.ok(Math.abs(head.x) <= 0.15 && Math.abs(head.y) <= 0.3 && Math.abs(head.z) <= 0.1, JSON.stringify(head));
      if (Math.abs(head.y) > 0.01 || Math.abs(head.x) > 0.01) moved = true;
    }
    assert.ok(moved, "the head moved");
  });

  it("loudness is the voiced hops' 95th percentile RMS; silence does not count", () => {
    const rate = 48000;
    const data = new Float32Array(rate * 2);
    // One second of silence, then a second of a 0.5-amplitude sine (RMS ≈ 0.354).
    for (let i = rate; i < data.length; i++) data[i] = 0.5 * Math.sin((2 * Math.PI * 220 * i) / rate);
    const buffer = { sampleRate: rate, getChannelData: () => data } as unknown as AudioBuffer;
    assert.ok(Math.abs(loudness(buffer) - 0.354) < 0.02, String(loudness(buffer)));
    const silent = { sampleRate: rate, getChannelData: () => new Float32Array(rate) } as unknown as AudioBuffer;
    assert.equal(loudness(silent), 1, "nothing voiced: no normalisation");
  });
});
