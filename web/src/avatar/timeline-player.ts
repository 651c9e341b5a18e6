/**
 * Plays a voice and moves the mouth with it. With the voice's speech timeline, the
 * mouth follows the timeline on the audio clock: every frame asks what will be heard
 * when the frame is on screen (av-clock.ts) and shows the timeline's shapes at that
 * moment (coarticulation.ts), through the asset's rig (mouth-rig.ts). Without one, the
 * lip-sync heuristic reads the sound as it plays (lipsync.ts). A timeline that is still
 * being computed (`timelinePromise`) takes over from the heuristic as soon as it
 * arrives, cross-fading over HANDOVER seconds.
 *
 * Every frame of an utterance is logged (when it is presented on the audio clock and
 * which shape it shows), so its audio/visual sync can be measured (sync-offsets.ts).
 */
import { heardContextTime } from "./av-clock";
import { dominantKey, mouthAt, RELEASE } from "./coarticulation";
import { VoiceDriver } from "./lipsync";
import { heuristicRig, morphInfluences, timelineRig, type MouthMap, type MouthRig } from "./mouth-rig";
import { shapeSegments, type ShapeSegment, type SpeechTimeline } from "./speech-timeline";
import { timelineSync, type ShownFrame, type SyncReport } from "./sync-offsets";

export interface SpeakOptions {
  /** The voice's speech timeline, when it is already known. */
  timeline?: SpeechTimeline | null;
  /** A timeline still being computed: the heuristic moves the mouth until it arrives. */
  timelinePromise?: Promise<SpeechTimeline | null | undefined>;
}

export type MouthSource = "timeline" | "heuristic";

export interface MouthFrame {
  /** Asset morph name → influence (not clamped). */
  morphs: Record<string, number>;
  source: MouthSource | null;
}

/** A presented frame of an utterance, for tests and the sync measurement. */
export interface LoggedFrame extends ShownFrame {
  source: MouthSource;
  /** The mouth morph with the largest influence (null: at rest). */
  morph: string | null;
}

export interface SpeechLog {
  /** The rig's key space: Oculus visemes or the six groups. */
  keys: MouthRig["keys"];
  frames: LoggedFrame[];
  /** Sync of the frames the timeline drove (null without a timeline). */
  sync: SyncReport | null;
}

/** Seconds from `source.start` being called to the first sample: enough to schedule it exactly. */
const START_LEAD = 0.05;
/** Seconds over which a late timeline replaces the heuristic. */
const HANDOVER = 0.12;
/** A timeline whose length differs more than this (seconds) from the audio is for other audio. */
const DURATION_TOLERANCE = 0.5;
/** At most this many frames are logged per utterance (two minutes at 60 Hz). */
const MAX_LOGGED = 7200;

const smoothstep = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x));

interface Utterance {
  startAt: number;
  duration: number;
  segments: ShapeSegment[] | null;
  /** Audio time of the first frame the timeline drove (−∞ when it came with the audio). */
  handoverFrom: number | null;
  frames: LoggedFrame[];
  playing: boolean;
}

export class TimelinePlayer {
  private readonly voice: VoiceDriver;
  private readonly timelineRig: MouthRig;
  private readonly heuristicRig: MouthRig;
  private current: Utterance | null = null;
  private last: Utterance | null = null;
  /** Morphs shown when a timeline utterance stopped, fading out over RELEASE. */
  private fading: { morphs: Record<string, number>; since: number } | null = null;

  constructor(
    private readonly ctx: AudioContext,
    map: MouthMap,
    hasMorph: (name: string) => boolean,
  ) {
    this.voice = new VoiceDriver(ctx);
    this.timelineRig = timelineRig(map, hasMorph);
    this.heuristicRig = heuristicRig(map);
  }

  /** The morph targets either rig can move. */
  rigs(): MouthRig[] {
    return [this.timelineRig, this.heuristicRig];
  }

  get playing(): boolean {
    return this.voice.playing;
  }

  /** Plays `audio`; resolves when it has ended or was stopped. */
  async speak(audio: Blob | AudioBuffer, options: SpeakOptions = {}): Promise<void> {
    this.stop();
    const buffer = audio instanceof AudioBuffer ? audio : await this.ctx.decodeAudioData(await audio.arrayBuffer());
    if (this.ctx.state === "suspended") await this.ctx.resume();
    const u: Utterance = {
      startAt: this.ctx.currentTime + START_LEAD,
      duration: buffer.duration,
      segments: null,
      handoverFrom: null,
      frames: [],
      playing: true,
    };
    const use = (timeline: SpeechTimeline | null | undefined, atOnce: boolean) => {
      if (!timeline || u.segments || !u.playing) return;
      if (Math.abs(timeline.durationSeconds - u.duration) > DURATION_TOLERANCE) {
        console.warn(
          `The speech timeline lasts ${timeline.durationSeconds} s and the audio ${u.duration.toFixed(3)} s: lip-sync follows the sound.`,
        );
        return;
      }
      u.segments = shapeSegments(timeline, this.timelineRig.keys);
      if (atOnce) u.handoverFrom = -Infinity;
    };
    use(options.timeline, true);
    options.timelinePromise?.then(
      (t) => use(t, false),
      (err: unknown) => console.warn(`No speech timeline (${(err as Error).message}): lip-sync follows the sound.`),
    );
    this.current = this.last = u;
    this.fading = null;
    try {
      await this.voice.play(buffer, u.startAt);
    } finally {
      this.end(u);
    }
  }

  stop(): void {
    if (this.current) this.end(this.current);
    this.voice.stop();
  }

  /** The mouth for the frame presented at performance time `presentAt` (ms); `dt` in seconds. */
  frame(dt: number, presentAt: number): MouthFrame {
    const heuristic = this.voice.frame(dt);
    const u = this.current;
    if (!u) return { morphs: this.fading ? this.fade(presentAt) : morphInfluences(this.heuristicRig, heuristic), source: null };
    const at = heardContextTime(this.ctx, presentAt) - u.startAt;
    const sounded = morphInfluences(this.heuristicRig, heuristic);
    if (!u.segments) {
      this.log(u, { at, keys: heuristic, source: "heuristic", morph: dominantKey(sounded) });
      return { morphs: sounded, source: "heuristic" };
    }
    const keys = mouthAt(u.segments, at);
    const timed = morphInfluences(this.timelineRig, keys);
    u.handoverFrom ??= at;
    const h = smoothstep((at - u.handoverFrom) / HANDOVER);
    const morphs: Record<string, number> = {};
    for (const [name, v] of Object.entries(sounded)) morphs[name] = v * (1 - h);
    for (const [name, v] of Object.entries(timed)) morphs[name] = (morphs[name] ?? 0) + v * h;
    const shown = Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, v * h]));
    this.log(u, { at, keys: shown, source: "timeline", morph: dominantKey(morphs) });
    return { morphs, source: "timeline" };
  }

  /** The frames of the latest utterance and, if a timeline drove them, their sync. */
  lastSpeech(): SpeechLog | null {
    const u = this.last;
    if (!u) return null;
    return {
      keys: this.timelineRig.keys,
      frames: [...u.frames],
      // A timeline that arrived late is measured from the end of its handover on.
      sync: u.segments ? timelineSync(u.segments, u.frames, (u.handoverFrom ?? Infinity) + HANDOVER) : null,
    };
  }

  private end(u: Utterance): void {
    if (!u.playing) return;
    u.playing = false;
    if (this.current !== u) return;
    this.current = null;
    // The timeline's last shapes fade out instead of vanishing with the sound.
    const lastFrame = u.frames.at(-1);
    if (u.segments && lastFrame?.source === "timeline") {
      const now = performance.now();
      const at = heardContextTime(this.ctx, now) - u.startAt;
      this.fading = { morphs: morphInfluences(this.timelineRig, mouthAt(u.segments, at)), since: now };
      // The heuristic did not drive this mouth: it starts again from rest.
      this.voice.reset();
    }
  }

  private fade(now: number): Record<string, number> {
    const f = this.fading as NonNullable<typeof this.fading>;
    const k = 1 - smoothstep((now - f.since) / 1000 / RELEASE);
    if (k <= 0) this.fading = null;
    return Object.fromEntries(Object.entries(f.morphs).map(([n, v]) => [n, v * Math.max(0, k)]));
  }

  private log(u: Utterance, frame: LoggedFrame): void {
    if (u.frames.length < MAX_LOGGED) u.frames.push(frame);
  }
}
