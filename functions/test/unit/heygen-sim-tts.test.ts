/**
 * The HeyGen simulator's text-to-speech: the script is spoken by espeak-ng (in the
 * voice's language and gender, at its speed), checked with the backend's own speech
 * engine; without espeak-ng it warns once and speaks a tone.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PUBLIC_VOICES } from "../../devtools/heygen-sim/model";
import {
  espeakVoiceFor,
  speechSeconds,
  synthesizeSpeech,
  ttsSpeaker,
  type TextVoice,
} from "../../devtools/heygen-sim/tts";
import { speechTimeline } from "../../src/services/speech/compute";

const voiceOf = (language: string, gender: string) =>
  PUBLIC_VOICES.find((v) => v.language === language && v.gender === gender)?.voice_id as string;

const SCRIPT = "Hello there. This is my avatar, speaking a typed sentence. Thank you!";

describe("HeyGen simulator: text-to-speech with espeak-ng", function () {
  this.timeout(30000);
  let dir: string;
  const voice = (fields: Partial<TextVoice> = {}): TextVoice => ({
    text: SCRIPT,
    voiceId: voiceOf("English", "female"),
    speed: 1,
    pitch: 0,
    volume: 1,
    locale: null,
    ...fields,
  });
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), "masky-tts-"))));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    Object.assign(ttsSpeaker, { binary: "espeak-ng", present: null });
  });

  it("picks the espeak-ng voice from the HeyGen voice's language, gender and locale", () => {
    expect(espeakVoiceFor(voiceOf("English", "female"), null)).to.equal("en-us+f3");
    expect(espeakVoiceFor(voiceOf("English", "male"), null)).to.equal("en-us");
    expect(espeakVoiceFor(voiceOf("English", "male"), "en-GB")).to.equal("en-gb");
    expect(espeakVoiceFor(voiceOf("German", "female"), null)).to.equal("de+f3");
    // A locale of another language does not change the voice's language.
    expect(espeakVoiceFor(voiceOf("German", "male"), "en-GB")).to.equal("de");
  });

  it("speaks the script: pauses between sentences and many mouth shapes, not one tone", async () => {
    const file = await synthesizeSpeech(dir, voice());
    expect(path.basename(file)).to.match(/^tts-[a-f0-9]{64}\.mp3$/);
    const timeline = await speechTimeline(file, "audio/mpeg", { text: SCRIPT });
    expect(timeline.voice.length).to.be.at.least(2);
    expect(new Set(timeline.visemes.map((v) => v.viseme)).size).to.be.at.least(5);
    expect(timeline.durationSeconds).to.be.closeTo(
      speechSeconds(SCRIPT),
      speechSeconds(SCRIPT) * 0.35,
    );
    expect(await synthesizeSpeech(dir, voice())).to.equal(file);
    expect(await synthesizeSpeech(dir, voice({ voiceId: voiceOf("German", "male") }))).to.not.equal(
      file,
    );
  });

  it("follows the speed", async () => {
    const length = async (speed: number) =>
      (await speechTimeline(await synthesizeSpeech(dir, voice({ speed })), "audio/mpeg"))
        .durationSeconds;
    const [slow, fast] = [await length(0.75), await length(1.5)];
    expect(slow / fast).to.be.within(1.6, 2.4);
  });

  it("without espeak-ng: one warning, then a tone of the estimated length", async () => {
    Object.assign(ttsSpeaker, { binary: "espeak-ng-not-installed", present: null });
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(" "));
    try {
      const first = await synthesizeSpeech(dir, voice({ text: "A tone instead." }));
      await synthesizeSpeech(dir, voice({ text: "Another tone, no second warning." }));
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(/espeak-ng is not installed/);
      const timeline = await speechTimeline(first, "audio/mpeg");
      expect(timeline.durationSeconds).to.be.closeTo(speechSeconds("A tone instead."), 0.1);
      expect(timeline.voice).to.have.length(1);
    } finally {
      console.warn = warn;
      Object.assign(ttsSpeaker, { binary: "espeak-ng", present: null });
    }
  });
});
