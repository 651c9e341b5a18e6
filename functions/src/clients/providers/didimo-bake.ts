/**
 * Didimo's faces move by joints: each facial pose is a stretch of frames of the
 * package's skeletal animation (its first frame the rest pose, its last the full pose:
 * Didimo's own importer takes a pose's first keyframe as the rest and plays the pose by
 * running its clip from there). A viewer that drives morph targets needs the pose as a
 * morph target, so each pose is baked into one: the skeleton is posed at the pose's
 * frames (every joint's translation, rotation and scale as the animation channels set
 * them at that frame's time, composed through the node hierarchy), every vertex of
 * every skinned mesh is skinned (linear blend skinning with its JOINTS_n / WEIGHTS_n and
 * the skin's inverse bind matrices), and the move from the rest frame to the pose frame
 * becomes the target's delta.
 *
 * The rig is then dropped: the meshes keep their positions and normals as skinned in
 * the nodes' own rest pose (what a viewer shows of the skinned model without playing an
 * animation), the joint attributes, skins, animations and the joint nodes that hold no
 * mesh go. A viewer plays none of them, the GLB gets smaller, and a static mesh is
 * cheaper to draw than a skinned one.
 */
import type { Accessor, Document, Node, Primitive } from "@gltf-transform/core";
import {
  identity,
  invertAffine,
  multiply,
  skin,
  transformPoint,
  transformVector,
  type Mat4,
  type SkinInfluences,
} from "./pose-math";
import { elements, SkeletonAnimation, type PosedFrame } from "./skeleton-frames";
import { tooLarge } from "./size-limit";

/** A pose to bake: the morph target's name and the pose's frame indices in the animation. */
export interface PoseToBake {
  morphName: string;
  frames: readonly number[];
}

/** The package cannot be baked as it is (no rig, frames outside the animation, a broken skin). */
export class PoseBakeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PoseBakeError";
  }
}

/** Below this (metres, or the model's unit) a vertex counts as not moved: float noise. */
const STILL = 1e-7;

function influencesOf(prim: Primitive): SkinInfluences {
  const joints: ArrayLike<number>[] = [];
  const weights: ArrayLike<number>[] = [];
  for (let set = 0; prim.getAttribute(`JOINTS_${set}`); set++) {
    const w = prim.getAttribute(`WEIGHTS_${set}`);
    if (!w) throw new PoseBakeError(`a skinned mesh has JOINTS_${set} without WEIGHTS_${set}`);
    joints.push(elements(prim.getAttribute(`JOINTS_${set}`) as Accessor));
    weights.push(elements(w));
  }
  if (!joints.length) throw new PoseBakeError("a skinned mesh has no JOINTS_0");
  return { joints, weights };
}

/** A primitive's inputs to skinning, read once. */
interface SkinnedPrimitive {
  prim: Primitive;
  count: number;
  points: Float64Array;
  normals: Float64Array | null;
  influences: SkinInfluences;
  /** The mesh's own morph targets (before any baked one), applied before skinning. */
  morphs: (Float64Array | null)[];
}

/** One skinned mesh (through the first node that shows it) and how to pose it. */
class SkinnedMesh {
  private readonly inverseBinds: Mat4[];
  private readonly toMesh: Mat4;
  readonly primitives: SkinnedPrimitive[];

  constructor(
    readonly node: Node,
    rest: (node: Node) => Mat4,
  ) {
    const s = node.getSkin();
    const joints = s?.listJoints() ?? [];
    const ibm = s?.getInverseBindMatrices();
    if (ibm && ibm.getCount() < joints.length)
      throw new PoseBakeError("a skin has fewer inverse bind matrices than joints");
    this.inverseBinds = joints.map((_, i) =>
      ibm ? Float64Array.from(ibm.getElement(i, [])) : identity(),
    );
    // Skinned vertices come out in the scene's space; the static mesh lives in its node's.
    try {
      this.toMesh = invertAffine(rest(node));
    } catch {
      throw new PoseBakeError("a skinned mesh's node has a singular transform");
    }
    this.primitives = (node.getMesh()?.listPrimitives() ?? []).map((prim) => {
      const position = prim.getAttribute("POSITION");
      if (!position) throw new PoseBakeError("a skinned mesh has no POSITION");
      const normal = prim.getAttribute("NORMAL");
      return {
        prim,
        count: position.getCount(),
        points: elements(position),
        normals: normal ? elements(normal) : null,
        influences: influencesOf(prim),
        morphs: prim.listTargets().map((t) => {
          const delta = t.getAttribute("POSITION");
          return delta ? elements(delta) : null;
        }),
      };
    });
  }

  /** One primitive's positions (or normals) in the mesh node's space, skinned in `frame`. */
  pose(p: SkinnedPrimitive, frame: PosedFrame, normals = false): Float64Array {
    const input = normals ? p.normals : this.morphed(p, frame);
    if (!input) throw new PoseBakeError("no normals to skin");
    const joints = this.node.getSkin()?.listJoints() ?? [];
    const matrices = joints.map((j, i) => multiply(frame.world(j), this.inverseBinds[i]));
    const skinned = skin(input, p.count, p.influences, matrices, normals);
    for (let v = 0; v < p.count; v++) {
      const q = [skinned[v * 3], skinned[v * 3 + 1], skinned[v * 3 + 2]];
      const local = normals ? transformVector(this.toMesh, q) : transformPoint(this.toMesh, q);
      const len = normals ? Math.hypot(...local) || 1 : 1;
      skinned.set(
        local.map((c) => c / len),
        v * 3,
      );
    }
    return skinned;
  }

  /** The positions with the mesh's own morph targets at the weights the frame gives them. */
  private morphed(p: SkinnedPrimitive, frame: PosedFrame): Float64Array {
    const own = this.node.getWeights().length
      ? this.node.getWeights()
      : (this.node.getMesh()?.getWeights() ?? []);
    const weights = frame.weights(this.node) ?? own;
    if (!p.morphs.some((d, k) => d && weights[k])) return p.points;
    const out = Float64Array.from(p.points);
    p.morphs.forEach((d, k) => {
      const w = weights[k] ?? 0;
      if (d && w) for (let i = 0; i < out.length; i++) out[i] += w * d[i];
    });
    return out;
  }
}

/**
 * Bakes `poses` into morph targets on every skinned mesh of `doc` and drops the rig.
 * A pose's first frame is its rest and its last the full pose (one frame: the pose,
 * from the nodes' own rest). Returns the names of the targets added; refuses (too_large)
 * when the targets would exceed `maxBytes` stored dense.
 */
export function bakePoses(doc: Document, poses: readonly PoseToBake[], maxBytes: number): string[] {
  const skinnedNodes = doc
    .getRoot()
    .listNodes()
    .filter((n) => n.getMesh() && n.getSkin());
  if (!skinnedNodes.length) throw new PoseBakeError("the package has no skinned mesh");
  const animation = SkeletonAnimation.longestOf(doc);
  for (const p of poses) {
    const bad = p.frames.find((f) => !Number.isInteger(f) || f < 0 || f >= animation.frameCount);
    if (bad !== undefined || !p.frames.length)
      throw new PoseBakeError(
        `pose ${p.morphName} names frame ${bad ?? "none"} of an animation with ${animation.frameCount} frames`,
      );
  }
  const rest = animation.rest;
  const meshes = new Map<unknown, SkinnedMesh>();
  for (const node of skinnedNodes)
    if (!meshes.has(node.getMesh())) meshes.set(node.getMesh(), new SkinnedMesh(node, rest.world));
  const vertices = [...meshes.values()]
    .flatMap((m) => m.primitives)
    .reduce((n, p) => n + p.count, 0);
  if (vertices * 12 * poses.length > maxBytes) throw tooLarge("The baked face", maxBytes);

  for (const mesh of meshes.values()) {
    for (const p of mesh.primitives) {
      const base = mesh.pose(p, rest);
      const skinnedAt = (f: number | null) => (f === null ? base : mesh.pose(p, animation.at(f)));
      for (const pose of poses) {
        const from = skinnedAt(pose.frames.length > 1 ? pose.frames[0] : null);
        const to = skinnedAt(pose.frames[pose.frames.length - 1]);
        p.prim.addTarget(
          doc
            .createPrimitiveTarget(pose.morphName)
            .setAttribute("POSITION", deltaAccessor(doc, from, to)),
        );
      }
      const normals = p.normals ? mesh.pose(p, rest, true) : null;
      p.prim.getAttribute("POSITION")?.setArray(Float32Array.from(base));
      if (normals) p.prim.getAttribute("NORMAL")?.setArray(Float32Array.from(normals));
    }
    const gltfMesh = mesh.node.getMesh();
    gltfMesh?.setWeights([...gltfMesh.getWeights(), ...poses.map(() => 0)]);
  }
  dropRig(doc, skinnedNodes);
  return poses.map((p) => p.morphName);
}

/** `to − from` per vertex; sparse (only the vertices that move) when at most half of them move. */
function deltaAccessor(doc: Document, from: Float64Array, to: Float64Array): Accessor {
  const delta = new Float32Array(to.length);
  let moved = 0;
  for (let v = 0; v < delta.length; v += 3) {
    const d = [to[v] - from[v], to[v + 1] - from[v + 1], to[v + 2] - from[v + 2]];
    if (Math.hypot(...d) < STILL) continue;
    delta.set(d, v);
    moved++;
  }
  return doc
    .createAccessor()
    .setType("VEC3")
    .setArray(delta)
    .setSparse(moved <= delta.length / 3 / 2);
}

/** Joint attributes, skins, animations, joint nodes without a mesh, and what only they used. */
function dropRig(doc: Document, skinnedNodes: Node[]) {
  const root = doc.getRoot();
  const joints = new Set(root.listSkins().flatMap((s) => s.listJoints()));
  for (const node of skinnedNodes) node.setSkin(null);
  for (const mesh of root.listMeshes())
    for (const prim of mesh.listPrimitives())
      for (const semantic of prim.listSemantics())
        if (/^(JOINTS|WEIGHTS)_\d+$/.test(semantic)) prim.setAttribute(semantic, null);
  for (const animation of root.listAnimations()) {
    // Disposing an animation leaves its samplers (and their accessors) behind.
    animation.listChannels().forEach((c) => c.dispose());
    animation.listSamplers().forEach((s) => s.dispose());
    animation.dispose();
  }
  root.listSkins().forEach((s) => s.dispose());
  const holdsSomething = (n: Node): boolean =>
    Boolean(n.getMesh() || n.getCamera()) || n.listChildren().some(holdsSomething);
  const disposeTree = (n: Node): void => {
    n.listChildren().forEach(disposeTree);
    n.dispose();
  };
  for (const node of joints) if (!node.isDisposed() && !holdsSomething(node)) disposeTree(node);
  for (const accessor of root.listAccessors())
    if (accessor.listParents().every((p) => p === root)) accessor.dispose();
}
