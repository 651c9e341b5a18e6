/**
 * The two clocks lip-sync has to agree on: when a frame will be seen (performance
 * time, milliseconds) and what the listener hears at that moment (AudioContext time,
 * seconds).
 *
 * - A frame drawn in a requestAnimationFrame callback reaches the screen at the next
 *   refresh, about one frame interval after the callback's timestamp; the interval is
 *   the median of the recent ones (robust to a stalled frame).
 * - `getOutputTimestamp()` pairs the context time of the sample leaving the speakers
 *   with the performance time it does so; extrapolating from that pair gives what is
 *   heard at any performance time, output latency included. Where the browser has no
 *   such pair yet (before the device starts, or no support), `currentTime` minus the
 *   context's base and output latency stands in.
 */

/** Context time (seconds) heard at performance time `perfMs`. */
export function heardContextTime(ctx: AudioContext, perfMs: number): number {
  const ts = typeof ctx.getOutputTimestamp === "function" ? ctx.getOutputTimestamp() : null;
  if (ts?.performanceTime && ts.contextTime !== undefined && ts.contextTime > 0) {
    return ts.contextTime + (perfMs - ts.performanceTime) / 1000;
  }
  const latency = (ctx.baseLatency || 0) + (ctx.outputLatency || 0);
  return ctx.currentTime - latency + (perfMs - performance.now()) / 1000;
}

/** The refresh interval, from requestAnimationFrame timestamps. */
export class FrameClock {
  private readonly deltas: number[] = [];
  private last: number | null = null;
  private static readonly SAMPLES = 15;
  private static readonly DEFAULT_MS = 1000 / 60;

  /** Call with every requestAnimationFrame timestamp. */
  tick(now: number): void {
    if (this.last !== null) {
      this.deltas.push(now - this.last);
      if (this.deltas.length > FrameClock.SAMPLES) this.deltas.shift();
    }
    this.last = now;
  }

  intervalMs(): number {
    if (!this.deltas.length) return FrameClock.DEFAULT_MS;
    const sorted = [...this.deltas].sort((a, b) => a - b);
    return sorted[sorted.length >> 1];
  }

  /** When the frame of the callback at `now` will be on screen. */
  presentedAt(now: number): number {
    return now + this.intervalMs();
  }
}
