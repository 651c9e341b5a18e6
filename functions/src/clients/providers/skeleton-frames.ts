/**
 * A glTF document's skeleton at the frames of its animation: frame n is the n-th
 * keyframe time of the animation (all its samplers' times together), and at a frame
 * every animated node takes the translation, rotation, scale and morph weights its
 * channels give at that time (sampled as their sampler says); the other nodes keep their
 * own. World matrices compose the local ones through the node hierarchy.
 */
import type { Accessor, Animation, Document, Node } from "@gltf-transform/core";
import { fromTRS, multiply, sample, type Keyframes, type Mat4 } from "./pose-math";

type Path = "translation" | "rotation" | "scale" | "weights";

/** The skeleton at one frame. */
export interface PosedFrame {
  /** The node's world matrix. */
  world(node: Node): Mat4;
  /** The morph weights the animation gives the node, if it animates them. */
  weights(node: Node): number[] | undefined;
}

interface Track {
  node: Node;
  path: Path;
  keys: Keyframes;
}

/** An accessor's elements as doubles (normalised integers decoded). */
export function elements(accessor: Accessor): Float64Array {
  const size = accessor.getElementSize();
  const out = new Float64Array(accessor.getCount() * size);
  const el: number[] = [];
  for (let i = 0; i < accessor.getCount(); i++) out.set(accessor.getElement(i, el), i * size);
  return out;
}

function tracksOf(animation: Animation): Track[] {
  const tracks: Track[] = [];
  for (const channel of animation.listChannels()) {
    const node = channel.getTargetNode();
    const path = channel.getTargetPath() as Path | null;
    const sampler = channel.getSampler();
    const input = sampler?.getInput();
    const output = sampler?.getOutput();
    if (!node || !path || !sampler || !input || !output || !input.getCount()) continue;
    const interpolation = sampler.getInterpolation();
    const keys = input.getCount() * (interpolation === "CUBICSPLINE" ? 3 : 1);
    tracks.push({
      node,
      path,
      keys: {
        times: elements(input),
        values: elements(output),
        // Morph weights: one scalar per target and keyframe.
        size: path === "weights" ? output.getCount() / keys : output.getElementSize(),
        interpolation,
        rotation: path === "rotation",
      },
    });
  }
  return tracks;
}

function posedFrame(values: Map<Node, Partial<Record<Path, number[]>>>): PosedFrame {
  const cache = new Map<Node, Mat4>();
  const world = (node: Node): Mat4 => {
    const cached = cache.get(node);
    if (cached) return cached;
    const v = values.get(node) ?? {};
    const local = fromTRS(
      (v.translation ?? node.getTranslation()) as [number, number, number],
      (v.rotation ?? node.getRotation()) as [number, number, number, number],
      (v.scale ?? node.getScale()) as [number, number, number],
    );
    const parent = node.getParentNode();
    const m = parent ? multiply(world(parent), local) : local;
    cache.set(node, m);
    return m;
  };
  return { world, weights: (node) => values.get(node)?.weights };
}

export class SkeletonAnimation {
  private readonly frames = new Map<number, PosedFrame>();
  /** The nodes as they are, no animation applied. */
  readonly rest: PosedFrame = posedFrame(new Map());

  private constructor(
    private readonly tracks: Track[],
    /** Every keyframe time, in order, without repeats. */
    private readonly timeline: number[],
  ) {}

  /** The document's animation with the most frames (none: no frames). */
  static longestOf(doc: Document): SkeletonAnimation {
    const candidates = doc
      .getRoot()
      .listAnimations()
      .map((a) => {
        const tracks = tracksOf(a);
        const all = tracks.flatMap((t) => Array.from(t.keys.times)).sort((x, y) => x - y);
        return new SkeletonAnimation(
          tracks,
          all.filter((t, i) => i === 0 || t - all[i - 1] > 1e-6),
        );
      })
      .sort((a, b) => b.frameCount - a.frameCount);
    return candidates[0] ?? new SkeletonAnimation([], []);
  }

  get frameCount(): number {
    return this.timeline.length;
  }

  /** The skeleton at frame `f` (0 ≤ f < frameCount). */
  at(f: number): PosedFrame {
    let frame = this.frames.get(f);
    if (!frame) {
      const values = new Map<Node, Partial<Record<Path, number[]>>>();
      for (const t of this.tracks) {
        const v = values.get(t.node) ?? {};
        v[t.path] = sample(t.keys, this.timeline[f]);
        values.set(t.node, v);
      }
      frame = posedFrame(values);
      this.frames.set(f, frame);
    }
    return frame;
  }
}
