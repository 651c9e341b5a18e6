/** Words spread over the voiced stretches, and the WebVTT captions written from them. */
import { expect } from "chai";
import { SpeechTimelineSchema, WordSchema, type Word } from "../../src/services/speech/schema";
import { cuesOf, vttTimestamp, webVtt } from "../../src/services/speech/webvtt";
import { spreadWords, wordsOf, wordWeight } from "../../src/services/speech/words";

describe("speech timeline: words", () => {
  it("splits at white space; punctuation stays with its word, a lone dash joins the word before", () => {
    expect(wordsOf("  Hello,  world!\nIt's 2024 — OK?  ")).to.deep.equal([
      "Hello,",
      "world!",
      "It's",
      "2024 —",
      "OK?",
    ]);
    expect(wordsOf(" \n ")).to.deep.equal([]);
  });

  it("weighs words by syllables (accents ignored), numbers by digits, ideographs by characters", () => {
    expect(wordWeight("a")).to.equal(1);
    expect(wordWeight("avatar")).to.equal(3);
    expect(wordWeight("make")).to.equal(1);
    expect(wordWeight("little")).to.equal(2);
    expect(wordWeight("Über-schön!")).to.equal(3);
    expect(wordWeight("2024")).to.equal(4);
    expect(wordWeight("你好吗")).to.equal(3);
    expect(wordWeight("Hmm")).to.equal(1);
  });

  it("spreads words over the voiced stretches; none straddles a pause; all in order", () => {
    const voiced = [
      { t: 0.5, d: 1.0 },
      { t: 2.0, d: 1.0 },
    ];
    const words = spreadWords("one two three four", voiced, 3.5);
    expect(words.map((w) => w.text)).to.deep.equal(["one", "two", "three", "four"]);
    expect(words.map((w) => [w.t, w.d])).to.deep.equal([
      [0.5, 0.5],
      [1.0, 0.5],
      [2.0, 0.5],
      [2.5, 0.5],
    ]);
    for (const w of words) {
      WordSchema.parse(w);
      expect(voiced.some((s) => w.t >= s.t && w.t + w.d <= s.t + s.d + 1e-9)).to.equal(true);
    }
  });

  it("a long word gets more time than a short one; a word across a pause moves to its stretch", () => {
    const words = spreadWords("a extraordinarily", [{ t: 0, d: 2 }], 2);
    expect(words[1].d).to.be.greaterThan(words[0].d * 4);
    // "wonderful" (3 of the 4 syllables) would start at 0.375 s and run on past the pause;
    // its middle lies in the second stretch, so it is said there.
    const split = spreadWords(
      "hi wonderful",
      [
        { t: 0, d: 0.5 },
        { t: 3, d: 1 },
      ],
      4,
    );
    expect(split.map((w) => [w.t, w.d])).to.deep.equal([
      [0, 0.375],
      [3, 1],
    ]);
  });

  it("with too little voice for the words, they spread over the whole audio", () => {
    const words = spreadWords("one two three", [{ t: 1, d: 0.05 }], 3);
    expect(words.map((w) => w.t)).to.deep.equal([0, 1, 2]);
    expect(spreadWords("", [{ t: 0, d: 1 }], 1)).to.deep.equal([]);
    expect(spreadWords("many words in no time", [], 0.002)).to.deep.equal([]);
  });

  it("always gives words a stored timeline accepts (random stretches and texts)", () => {
    let seed = 3;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let round = 0; round < 200; round++) {
      const duration = Math.round(random() * 20000) / 1000 + 0.01;
      const voice: { t: number; d: number }[] = [];
      for (let t = random() * 0.5; t < duration; t += random() * 2) {
        const d = Math.min(duration - t, random() * 1.5);
        if (d > 0.001)
          voice.push({ t: Math.round(t * 1000) / 1000, d: Math.round(d * 1000) / 1000 });
        t += d;
      }
      const text = Array.from({ length: Math.floor(random() * 60) }, (_, i) =>
        "x".repeat(1 + Math.floor(random() * 12)).replace(/x/g, i % 2 ? "a" : "b"),
      ).join(" ");
      const timeline = {
        version: 1,
        engine: { package: "p", version: "1", model: "m" },
        durationSeconds: Math.round(duration * 1000) / 1000,
        voice: voice.filter((v) => v.t + v.d <= duration),
        visemes: [],
        groups: [],
        words: spreadWords(text, voice, Math.round(duration * 1000) / 1000),
      };
      const parsed = SpeechTimelineSchema.safeParse(timeline);
      expect(parsed.success, `round ${round}: ${JSON.stringify(parsed.error?.issues)}`).to.equal(
        true,
      );
    }
  });
});

const w = (t: number, d: number, text: string): Word => ({ t, d, text });

describe("speech timeline: WebVTT captions", () => {
  it("writes WebVTT timestamps with hours and milliseconds", () => {
    expect(vttTimestamp(0)).to.equal("00:00:00.000");
    expect(vttTimestamp(61.2345)).to.equal("00:01:01.235");
    expect(vttTimestamp(3725.5)).to.equal("01:02:05.500");
  });

  it("one line per cue of at most 42 characters; new cues after a sentence or a pause", () => {
    const text =
      "This is a longer sentence that will certainly not fit on a single caption line. Short one. After a pause";
    const words = text.split(" ").map((t, i) => w(i * 0.3 + (i >= 17 ? 1 : 0), 0.25, t));
    const cues = cuesOf(words);
    const lines = cues.map((c) => c.map((x) => x.text).join(" "));
    expect(lines).to.deep.equal([
      "This is a longer sentence that will",
      "certainly not fit on a single caption",
      "line.",
      "Short one.",
      "After a pause",
    ]);
    expect(lines.every((l) => l.length <= 42)).to.equal(true);
  });

  it("a complete file: header, numbered cues, escaped text", () => {
    const vtt = webVtt([w(0.5, 0.4, "Fish"), w(0.9, 0.3, "&"), w(1.2, 0.6, "<chips>")]);
    expect(vtt).to.equal("WEBVTT\n\n1\n00:00:00.500 --> 00:00:01.800\nFish &amp; &lt;chips&gt;\n");
    expect(webVtt([])).to.equal("WEBVTT\n");
    const long = "x".repeat(50);
    expect(cuesOf([w(0, 1, "a"), w(1, 1, long), w(2, 1, "b")]).map((c) => c.length)).to.deep.equal([
      1, 1, 1,
    ]);
  });
});
