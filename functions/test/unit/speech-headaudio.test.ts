/**
 * The TypeScript port of HeadAudio against the package it was ported from: the same
 * signal through both gives the same frames (times, energies, nearest viseme), and the
 * shipped model decodes as the upstream decodes it.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import {
  FRAME_HOP_SECONDS,
  FrameAnalyser,
  type AnalysedFrame,
} from "../../src/services/speech/headaudio/analyser";
import { parseModel, type Prototype } from "../../src/services/speech/headaudio/classifier";
import { englishVisemeModel } from "../../src/services/speech/headaudio/model";
import { VadGate } from "../../src/services/speech/headaudio/vad-gate";

interface UpstreamMessage {
  event: string;
  t?: number;
  le?: number;
  vector?: Float32Array;
}
interface UpstreamProcessor {
  _onmessage(m: { data: unknown }): void;
  process(data: Float32Array): void;
}
interface UpstreamClassifier {
  import(data: { model: unknown[] }): void;
  predict(v: Float32Array): { distances: number[] };
}
interface UpstreamRecord {
  phoneme: string;
  viseme: number;
  mu: Float32Array;
  sigmaInvLower: Float32Array;
}

const modelFile = () =>
  readFileSync(require.resolve("@met4citizen/headaudio/dist/model-en-mixed.bin"));

/** Voiced vowel-like sound (harmonics of a moving pitch, with hiss) between silences. */
function syntheticSpeech(rate: number, seconds: number): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  let seed = 7;
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const voiced = Math.sin(2 * Math.PI * 2 * t) > -0.3 ? 1 : 0;
    const f0 = 120 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
    let s = 0;
    for (let h = 1; h <= 12; h++) {
      const f = f0 * h;
      const formant =
        Math.exp(-(((f - 700 - 400 * Math.sin(3 * t)) / 300) ** 2)) +
        0.5 * Math.exp(-(((f - 1800) / 400) ** 2));
      s += (formant / h) * Math.sin(2 * Math.PI * f * t);
    }
    out[i] = voiced * (0.3 * s + 0.02 * ((seed / 2147483648) * 2 - 1));
  }
  return out;
}

async function upstreamFrames(signal: Float32Array, rate: number) {
  const root = "@met4citizen/headaudio/modules";
  const { Processor } = (await import(`${root}/processor.mjs`)) as {
    Processor: new (o: object, w: object) => UpstreamProcessor;
  };
  const { Classifier } = (await import(`${root}/classifier.mjs`)) as {
    Classifier: new (o: object) => UpstreamClassifier;
  };
  const { Training } = (await import(`${root}/training.mjs`)) as {
    Training: new () => { decodeBinaryRecord(r: Float32Array): UpstreamRecord };
  };
  const bytes = modelFile();
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  const training = new Training();
  const model: UpstreamRecord[] = [];
  for (let at = 0; at + 368 <= buffer.byteLength; at += 368) {
    model.push(training.decodeBinaryRecord(new Float32Array(buffer, at, 92)));
  }
  const features: UpstreamMessage[] = [];
  const processor = new Processor(
    {
      sampleRate: rate,
      processorOptions: { featureEventsEnabled: true },
      parameterData: { vadMode: 0 },
    },
    {
      port: {
        // The processor reuses its vectors: keep a copy of each.
        postMessage: (m: UpstreamMessage) =>
          m.event === "feature" &&
          features.push({ ...m, vector: Float32Array.from(m.vector ?? []) }),
      },
    },
  );
  processor._onmessage({ data: { event: "model", model } });
  for (let i = 0; i < signal.length; i += 128) processor.process(signal.subarray(i, i + 128));
  const classifier = new Classifier({});
  classifier.import({ model });
  return features.map((f) => {
    const { distances } = classifier.predict(f.vector as Float32Array);
    let best = Infinity;
    let viseme = -1;
    distances.forEach((d, i) => {
      if (d <= best) [best, viseme] = [d, model[i].viseme];
    });
    return { t: f.t as number, le: f.le as number, viseme, model };
  });
}

describe("speech engine: the HeadAudio port", () => {
  it("decodes the shipped model as the package does: 39 prototypes over all 15 visemes", async () => {
    const model = englishVisemeModel();
    expect(model).to.have.length(39);
    expect(new Set(model.map((p) => p.viseme)).size).to.equal(15);
    const [first] = await upstreamFrames(new Float32Array(48000), 48000);
    const upstream = first.model;
    model.forEach((p: Prototype, i) => {
      expect(p.phoneme).to.equal(upstream[i].phoneme);
      expect(p.viseme).to.equal(upstream[i].viseme);
      expect([...p.mu]).to.deep.equal([...upstream[i].mu]);
      expect([...p.sigmaInvLower]).to.deep.equal([...upstream[i].sigmaInvLower]);
    });
  });

  it("refuses a model file that is not whole records, or names a viseme out of range", () => {
    expect(() => parseModel(new Uint8Array(0))).to.throw(/whole number/);
    expect(() => parseModel(new Uint8Array(367))).to.throw(/whole number/);
    const bad = new Uint8Array(modelFile().subarray(0, 368));
    bad[7] = 15;
    expect(() => parseModel(bad)).to.throw(/out of range/);
  });

  for (const rate of [48000, 44100, 16000]) {
    it(`gives the upstream processor's frames for the same ${rate} Hz signal`, async () => {
      const signal = syntheticSpeech(rate, 2);
      const upstream = await upstreamFrames(signal, rate);
      const ours: AnalysedFrame[] = [];
      const analyser = new FrameAnalyser(englishVisemeModel(), { inputRate: rate });
      // Uneven chunks: the stream's chunking must not change anything.
      for (let i = 0, n = 1; i < signal.length; i += n, n = (n * 7) % 5000 || 1) {
        analyser.push(signal.subarray(i, i + n), ours);
      }
      expect(ours.length).to.equal(upstream.length).and.to.be.greaterThan(100);
      ours.forEach((f, i) => {
        expect(f.t).to.equal(upstream[i].t);
        expect(f.le).to.be.closeTo(upstream[i].le, 1e-6);
        expect(f.viseme, `frame ${i}`).to.equal(upstream[i].viseme);
      });
      expect(new Set(ours.map((f) => f.viseme)).size).to.be.greaterThan(2);
    });
  }

  it("frames every 16 ms, centred on their 32 ms window", () => {
    const frames: AnalysedFrame[] = [];
    new FrameAnalyser(englishVisemeModel(), { inputRate: 16000 }).push(
      new Float32Array(16000),
      frames,
    );
    expect(FRAME_HOP_SECONDS).to.equal(0.016);
    expect(frames).to.have.length(61);
    expect(frames[0].t).to.equal(0.016);
    expect(frames[60].t).to.be.closeTo(0.976, 1e-9);
    expect(() => new FrameAnalyser(englishVisemeModel(), { inputRate: 8000 })).to.throw(/16000 Hz/);
  });

  it("the energy gate opens above its active level and closes only below its inactive one", () => {
    const gate = new VadGate({ activeDb: -40, activeMs: 10, inactiveDb: -50, inactiveMs: 10 });
    expect([-6, -3.9, -4.5, -4.9, -5.1, -4.5].map((le) => gate.process(le))).to.deep.equal([
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
