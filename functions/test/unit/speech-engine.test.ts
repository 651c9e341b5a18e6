/**
 * The speech engine end to end in Node: audio decoded by ffmpeg (streamed), analysed,
 * and turned into a timeline, on espeak-ng speech whose sounds and silences are known.
 */
import { expect } from "chai";
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { speechTimeline } from "../../src/services/speech/compute";
import { decodePcm, Float32Chunker } from "../../src/services/speech/decode";
import { SpeechTimelineSchema, type SpeechTimeline } from "../../src/services/speech/schema";
import { runFfmpeg } from "../../src/services/media/ffmpeg";
import { speak, trimSilence } from "../../devtools/speech-reference/espeak";
import { writeWav } from "../../devtools/speech-reference/wav";

const RATE = 22050;

async function collect(chunks: AsyncIterable<Float32Array>): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const c of chunks) parts.push(c);
  const all = new Float32Array(parts.reduce((n, c) => n + c.length, 0));
  parts.reduce((at, c) => (all.set(c, at), at + c.length), 0);
  return all;
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

describe("speech engine: decoding", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), "masky-speech-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("turns float32 bytes into samples whatever the chunk boundaries", () => {
    const samples = Float32Array.from([0.5, -0.25, 1, -1, 0.125]);
    const bytes = Buffer.from(samples.buffer);
    const chunker = new Float32Chunker();
    const out = [1, 6, 0, 9, 4].reduce<number[]>((acc, n, i, sizes) => {
      const from = sizes.slice(0, i).reduce((a, b) => a + b, 0);
      return acc.concat([...chunker.push(bytes.subarray(from, from + n))]);
    }, []);
    expect(out).to.deep.equal([...samples]);
    expect(chunker.leftover).to.equal(0);
  });

  it("decodes a file and the same bytes as a stream to mono PCM at the asked rate", async () => {
    const tone = Float32Array.from(
      { length: RATE },
      (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / RATE),
    );
    const wav = path.join(dir, "tone.wav");
    writeWav(wav, { sampleRate: RATE, samples: tone });
    const options = { sampleRate: 48000, maxSeconds: 60, timeoutMs: 30000 };
    const fromFile = await collect(decodePcm(wav, "audio/wav", options));
    const fromStream = await collect(decodePcm(createReadStream(wav), "audio/wav", options));
    expect(fromFile.length).to.be.closeTo(48000, 48);
    expect([...fromStream]).to.deep.equal([...fromFile]);
    const rms = Math.sqrt(fromFile.reduce((s, x) => s + x * x, 0) / fromFile.length);
    expect(rms).to.be.closeTo(0.5 / Math.SQRT2, 0.02);
    const capped = await collect(decodePcm(wav, "audio/wav", { ...options, maxSeconds: 0.25 }));
    expect(capped.length).to.be.closeTo(12000, 48);
    const long = path.join(dir, "long.wav");
    writeWav(long, { sampleRate: RATE, samples: new Float32Array(RATE * 60).fill(0.1) });
    const stream = createReadStream(long, { highWaterMark: 1024 });
    const cappedStream = await collect(
      decodePcm(stream, "audio/wav", { ...options, maxSeconds: 0.25 }),
    );
    expect(cappedStream.length).to.be.closeTo(12000, 48);
    expect(stream.destroyed, "the unread rest of the input is released").to.equal(true);
  });

  it("refuses what is not audio, and an input stream that fails", async () => {
    const junk = path.join(dir, "junk.wav");
    writeFileSync(junk, Buffer.from("RIFF0000WAVEnot really a wave file at all"));
    const options = { sampleRate: 16000, maxSeconds: 60, timeoutMs: 30000 };
    expect((await rejection(collect(decodePcm(junk, "audio/wav", options)))).message).to.match(
      /could not be decoded/,
    );
    expect((await rejection(decodePcm(junk, "image/png", options).next())).message).to.match(
      /demuxer/,
    );
    const failing = new Readable({
      read() {
        this.destroy(new Error("storage read failed"));
      },
    });
    expect((await rejection(collect(decodePcm(failing, "audio/wav", options)))).message).to.match(
      /storage read failed/,
    );
  });
});

describe("speech engine: espeak-ng speech to a timeline", function () {
  this.timeout(30000);
  let dir: string;
  /** Where each sound is, seconds. */
  const spans: { text: string; t: number; d: number }[] = [];
  let wav: string;
  let timeline: SpeechTimeline;
  const TEXT = "ee mama ah";

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "masky-speech-"));
    const gap = new Float32Array(Math.round(0.6 * RATE));
    const parts: Float32Array[] = [gap];
    let at = gap.length;
    for (const text of TEXT.split(" ")) {
      const sound = trimSilence(speak(text, "en-us").samples);
      spans.push({ text, t: at / RATE, d: sound.length / RATE });
      parts.push(sound, gap);
      at += sound.length + gap.length;
    }
    const samples = new Float32Array(at);
    parts.reduce((o, p) => (samples.set(p, o), o + p.length), 0);
    wav = path.join(dir, "speech.wav");
    writeWav(wav, { sampleRate: RATE, samples });
    timeline = await speechTimeline(wav, "audio/wav", { text: TEXT });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("is a valid timeline as long as the audio", () => {
    expect(SpeechTimelineSchema.parse(timeline)).to.deep.equal(timeline);
    const total = spans[spans.length - 1].t + spans[spans.length - 1].d + 0.6;
    expect(timeline.durationSeconds).to.be.closeTo(total, 0.01);
  });

  it("finds each sound as voice, within 50 ms of where it is, and nothing in the silences", () => {
    expect(timeline.voice).to.have.length(3);
    timeline.voice.forEach((v, i) => {
      expect(v.t, spans[i].text).to.be.closeTo(spans[i].t, 0.05);
      expect(v.t + v.d, spans[i].text).to.be.closeTo(spans[i].t + spans[i].d, 0.05);
    });
    for (const s of timeline.visemes) {
      expect(spans.some((x) => s.t >= x.t - 0.05 && s.t + s.d <= x.t + x.d + 0.05)).to.equal(true);
    }
  });

  it("shows spread lips for ee, an open jaw for ah, and the seed's groups for them", () => {
    const during = (i: number) =>
      timeline.visemes.filter((v) => v.t < spans[i].t + spans[i].d && v.t + v.d > spans[i].t);
    expect(during(0).map((v) => v.viseme)).to.include("I");
    expect(during(2).map((v) => v.viseme)).to.include("aa");
    expect(timeline.groups.map((g) => g.group)).to.include.members(["E", "A"]);
  });

  it("places the words of the text in the voiced stretches, in order", () => {
    expect(timeline.words?.map((w) => w.text)).to.deep.equal(["ee", "mama", "ah"]);
    // Spread by syllables, not aligned: each word overlaps its own sound, inside the voice.
    timeline.words?.forEach((w, i) => {
      expect(w.t).to.be.below(spans[i].t + spans[i].d);
      expect(w.t + w.d).to.be.above(spans[i].t);
      expect(timeline.voice.some((v) => w.t >= v.t && w.t + w.d <= v.t + v.d + 1e-9)).to.equal(
        true,
      );
    });
    expect(timeline.words?.[0].t).to.equal(timeline.voice[0].t);
  });

  it("gives the same timeline for the same speech as a streamed MP3", async () => {
    const mp3 = path.join(dir, "speech.mp3");
    await runFfmpeg(["-y", "-i", wav, "-c:a", "libmp3lame", "-b:a", "128k", mp3]);
    const fromMp3 = await speechTimeline(Readable.from(readFileSync(mp3)), "audio/mpeg");
    expect(fromMp3.voice).to.have.length(3);
    // MP3 adds an encoder delay of a few ms; the stretches agree within a frame or two.
    fromMp3.voice.forEach((v, i) => expect(v.t).to.be.closeTo(timeline.voice[i].t, 0.04));
    expect(fromMp3.words).to.equal(undefined);
  });
});
