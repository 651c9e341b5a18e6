/**
 * A face that is never frozen: blinks, eye saccades and a slow head sway, with the
 * timings of TalkingHead's templates (met4citizen/TalkingHead: its blink and eye
 * templates `animTemplateBlink`, `animTemplateEyes`, and its idle head motion): a blink
 * every 1–8 s (mean of two uniforms), closing 50 ms, held 100–300 ms, opening 100 ms,
 * and one in seven a double blink; a saccade every 0.2–5 s to a new gaze held 2–5 s;
 * the head turns a little (more often while speaking). Morph names come from the asset's
 * ARKit map, so a model without a shape simply does not move it.
 */
export interface IdlePose {
  /** Asset morph name → influence. */
  morphs: Record<string, number>;
  /** Head rotation in radians. */
  head: { x: number; y: number; z: number };
}

const between = (a: number, b: number) => a + Math.random() * (b - a);
const ease = (t: number) => t * t * (3 - 2 * t);

export class Idle {
  private t = 0;
  private nextBlink = between(1, 4);
  private blinks: { start: number; close: number; hold: number; open: number }[] = [];
  private gaze = { x: 0, y: 0 };
  private gazeFrom = { x: 0, y: 0 };
  private gazeAt = 0;
  private nextGaze = between(0.2, 5);
  private head = { x: 0, y: 0, z: 0 };
  private headTarget = { x: 0, y: 0, z: 0 };
  private nextHead = between(0.2, 5);

  constructor(private readonly arkit: Record<string, string>) {}

  frame(dt: number, speaking: boolean): IdlePose {
    this.t += dt;
    const t = this.t;
    if (t >= this.nextBlink) {
      const one = (start: number) => ({ start, close: 0.05, hold: between(0.1, 0.3), open: 0.1 });
      this.blinks.push(one(t));
      const twice = Math.random() < 0.15;
      const lastStart = twice ? t + 0.5 + between(0.01, 0.4) : t;
      if (twice) this.blinks.push(one(lastStart));
      this.nextBlink = lastStart + 1 + (between(0, 7) + between(0, 7)) / 2;
    }
    let blink = 0;
    this.blinks = this.blinks.filter((b) => t < b.start + b.close + b.hold + b.open);
    for (const b of this.blinks) {
      const s = t - b.start;
      if (s < 0) continue;
      const v =
        s < b.close ? s / b.close : s < b.close + b.hold ? 1 : 1 - (s - b.close - b.hold) / b.open;
      blink = Math.max(blink, v);
    }

    if (t >= this.nextGaze) {
      this.gazeFrom = this.currentGaze(t);
      this.gaze = Math.random() < (speaking ? 0.5 : 0.2) ? { x: 0, y: 0 } : { x: between(-0.6, 0.6), y: between(-0.2, 0.6) };
      this.gazeAt = t;
      this.nextGaze = t + between(2, 5);
    }
    const g = this.currentGaze(t);

    if (t >= this.nextHead) {
      this.headTarget = speaking
        ? { x: between(-0.05, 0.15), y: between(-0.1, 0.1), z: between(-0.1, 0.1) }
        : { x: between(-0.04, 0.1), y: between(-0.3, 0.3), z: between(-0.08, 0.08) };
      this.nextHead = t + (speaking ? between(0.3, 1) : between(0.2, 5));
    }
    const k = 1 - Math.exp(-dt / 0.8);
    this.head.x += (this.headTarget.x - this.head.x) * k;
    this.head.y += (this.headTarget.y - this.head.y) * k;
    this.head.z += (this.headTarget.z - this.head.z) * k;

    const arkit: Record<string, number> = {
      eyeBlinkLeft: blink,
      eyeBlinkRight: blink,
      eyeLookOutLeft: Math.max(0, g.x),
      eyeLookInRight: Math.max(0, g.x),
      eyeLookInLeft: Math.max(0, -g.x),
      eyeLookOutRight: Math.max(0, -g.x),
      eyeLookUpLeft: Math.max(0, g.y),
      eyeLookUpRight: Math.max(0, g.y),
      eyeLookDownLeft: Math.max(0, -g.y),
      eyeLookDownRight: Math.max(0, -g.y),
    };
    const morphs: Record<string, number> = {};
    for (const [name, v] of Object.entries(arkit)) {
      const own = this.arkit[name];
      if (own) morphs[own] = v;
    }
    return { morphs, head: { ...this.head } };
  }

  /** A 200 ms saccade from the previous gaze to the new one. */
  private currentGaze(t: number): { x: number; y: number } {
    const p = ease(Math.min(1, (t - this.gazeAt) / 0.2));
    return {
      x: this.gazeFrom.x + (this.gaze.x - this.gazeFrom.x) * p,
      y: this.gazeFrom.y + (this.gaze.y - this.gazeFrom.y) * p,
    };
  }
}
