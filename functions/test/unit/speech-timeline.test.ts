/** The timeline builder and the voice-activity decision, on frames made to order. */
import { expect } from "chai";
import type { AnalysedFrame } from "../../src/services/speech/headaudio/analyser";
import { SpeechTimelineSchema } from "../../src/services/speech/schema";
import {
  buildTimeline,
  DEFAULT_TIMELINE,
  mergeRuns,
  smoothLabels,
} from "../../src/services/speech/timeline";
import { HEADAUDIO_VISEMES } from "../../src/services/speech/visemes";
import {
  DEFAULT_VOICE_ACTIVITY,
  gateFor,
  voicedFrames,
} from "../../src/services/speech/voice-activity";

const SIL = 14;
const id = (v: string) => HEADAUDIO_VISEMES.indexOf(v as (typeof HEADAUDIO_VISEMES)[number]);

/** Frames every 16 ms from a compact script: [viseme or "-" for silence, frames, dB]. */
function framesOf(script: [string, number, number?][]): AnalysedFrame[] {
  const frames: AnalysedFrame[] = [];
  for (const [v, n, db] of script) {
    for (let i = 0; i < n; i++) {
      const silent = v === "-";
      frames.push({
        t: 0.016 * (frames.length + 1),
        le: (db ?? (silent ? -100 : -15)) / 10,
        viseme: silent ? SIL : id(v),
      });
    }
  }
  return frames;
}

describe("speech timeline: voice activity", () => {
  it("opens on speech, bridges pauses under 0.2 s, drops bursts under 50 ms", () => {
    const les = framesOf([
      ["-", 20],
      ["aa", 20],
      ["-", 10], // 160 ms: bridged
      ["aa", 20],
      ["-", 20], // 320 ms: kept
      ["aa", 2], // 32 ms burst: dropped
      ["-", 20],
    ]).map((f) => f.le);
    const flags = voicedFrames(les);
    const runs = mergeRuns(
      flags.map((f) => (f ? 1 : SIL)),
      0,
    ).filter((r) => r.label === 1);
    expect(runs.map((r) => [r.from, r.to])).to.deep.equal([[20, 70]]);
  });

  it("keeps HeadAudio's −40/−50 dB gate over digital silence, and rises above a noise floor", () => {
    const quiet = framesOf([
      ["-", 50],
      ["aa", 50],
    ]).map((f) => f.le);
    expect(gateFor(quiet, DEFAULT_VOICE_ACTIVITY)).to.include({ activeDb: -40, inactiveDb: -50 });
    const hiss = framesOf([
      ["-", 50, -30],
      ["aa", 50, -10],
    ]).map((f) => f.le);
    const gate = gateFor(hiss, DEFAULT_VOICE_ACTIVITY);
    expect(gate.activeDb).to.equal(-18);
    expect(gate.inactiveDb).to.equal(-24);
    const flags = voicedFrames(hiss);
    expect(flags.slice(0, 50).some(Boolean)).to.equal(false);
    expect(flags.slice(50).every(Boolean)).to.equal(true);
    // With the fixed gate, the hiss reads as speech from start to end.
    expect(
      voicedFrames(hiss, { ...DEFAULT_VOICE_ACTIVITY, floorMarginDb: null }).every(Boolean),
    ).to.equal(true);
  });

  it("never lifts the gate into the speech itself (a recording with no pauses)", () => {
    const les = framesOf([["aa", 100, -12]]).map((f) => f.le);
    expect(gateFor(les, DEFAULT_VOICE_ACTIVITY).activeDb).to.equal(-18);
    expect(voicedFrames(les).every(Boolean)).to.equal(true);
  });
});

describe("speech timeline: visemes and groups", () => {
  it("a centred majority vote removes one-frame blips, unvoiced frames are silence", () => {
    const raw = [0, 0, 5, 0, 0, 1, 1, 1, 1, 1].concat([2, 2]);
    const voiced = raw.map((_, i) => i < 10);
    expect(smoothLabels(raw, voiced, 5)).to.deep.equal([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, SIL, SIL]);
    expect(smoothLabels(raw, voiced, 1)).to.deep.equal([...raw.slice(0, 10), SIL, SIL]);
  });

  it("folds a short run into its longer neighbour, or joins two equal neighbours", () => {
    const runs = (labels: number[]) => mergeRuns(labels, 2).map((r) => [r.label, r.from, r.to]);
    expect(runs([0, 0, 0, 5, 1, 1])).to.deep.equal([
      [0, 0, 4],
      [1, 4, 6],
    ]);
    expect(runs([0, 0, 5, 1, 1, 1])).to.deep.equal([
      [0, 0, 2],
      [1, 2, 6],
    ]);
    expect(runs([0, 0, 5, 0, 0])).to.deep.equal([[0, 0, 5]]);
    expect(runs([SIL, 5, SIL, 1, 1])).to.deep.equal([
      [SIL, 0, 1],
      [SIL, 1, 2],
      [SIL, 2, 3],
      [1, 3, 5],
    ]);
  });

  it("builds a valid timeline: voice, merged visemes with weights, the seed's groups", () => {
    const frames = framesOf([
      ["-", 30],
      ["PP", 4],
      ["aa", 20, -10],
      ["aa", 10, -25],
      ["-", 30],
      ["FF", 5],
      ["I", 15, -12],
      ["SS", 4],
      ["-", 30],
    ]);
    const duration = 0.016 * (frames.length + 1);
    const tl = buildTimeline(frames, duration);
    expect(SpeechTimelineSchema.parse(tl)).to.deep.equal(tl);
    expect(tl.engine).to.deep.equal({
      package: "@met4citizen/headaudio",
      version: "0.1.0",
      model: "model-en-mixed",
    });
    expect(tl.voice).to.deep.equal([
      { t: 0.488, d: 0.544 },
      { t: 1.512, d: 0.384 },
    ]);
    expect(tl.visemes.map((v) => [v.viseme, v.t, v.d])).to.deep.equal([
      ["PP", 0.488, 0.064],
      ["aa", 0.552, 0.48],
      ["FF", 1.512, 0.08],
      ["I", 1.592, 0.24],
      ["SS", 1.832, 0.064],
    ]);
    const weight = Object.fromEntries(tl.visemes.map((v) => [v.viseme, v.weight]));
    expect(weight.PP).to.equal(1);
    expect(weight.FF).to.equal(1);
    expect(weight.aa).to.be.within(0.3, 1);
    expect(weight.I).to.be.within(weight.aa, 1);
    expect(tl.groups.map((g) => [g.group, g.t, g.d, g.weight])).to.deep.equal([
      ["MBP", 0.488, 0.064, 1],
      ["A", 0.552, 0.48, weight.aa],
      ["FV", 1.512, 0.08, 1],
      ["E", 1.592, 0.304, Math.round(((weight.I * 0.24 + 0.4 * 0.064) / 0.304) * 100) / 100],
    ]);
    expect(tl.words).to.equal(undefined);
  });

  it("louder vowels get more weight; consonants are formed fully at any level", () => {
    const tl = buildTimeline(
      framesOf([
        ["aa", 20, -10],
        ["-", 20],
        ["aa", 20, -30],
        ["-", 20],
        ["PP", 5, -35],
        ["-", 5],
      ]),
      1.5,
    );
    const [loud, soft, pp] = tl.visemes;
    expect(loud.weight).to.be.greaterThan(soft.weight);
    expect(soft.weight).to.be.at.least(0.3);
    expect(pp).to.include({ viseme: "PP", weight: 1 });
  });

  it("silence, and no frames at all, give an empty but valid timeline", () => {
    for (const frames of [framesOf([["-", 100]]), []]) {
      const tl = buildTimeline(frames, 1.6, "hello there");
      expect(SpeechTimelineSchema.parse(tl)).to.deep.equal(tl);
      expect(tl.voice).to.deep.equal([]);
      expect(tl.visemes).to.deep.equal([]);
      expect(tl.words?.map((w) => w.text)).to.deep.equal(["hello", "there"]);
    }
  });

  it("the default options are the measured ones", () => {
    expect(DEFAULT_TIMELINE).to.deep.include({ smoothFrames: 5, minVisemeSeconds: 0.032 });
  });
});
