/**
 * The simulator's own account of a Didimo pose: where every vertex of the package's
 * meshes goes when the rig of didimo-rig.ts takes a fitted pose. Computed on the rig
 * itself (joint rest points, offsets and quaternions, chained from the head down), not
 * from the glTF file, so a client that bakes the package's animation frames into morph
 * targets can be checked against it.
 */
import { didimoPoses, MESHES } from "./didimo-package";
import { fitPose, rigJoints, skinWeights, type JointPose } from "./didimo-rig";
import { mergedParts } from "./geometry";
import type { HeadVertex, Vec3 } from "./vertex";

type Quat = [number, number, number, number];

const rotate = (q: Quat, v: Vec3): Vec3 => {
  // v + 2w(u × v) + 2u × (u × v), u the quaternion's vector part.
  const [x, y, z, w] = q;
  const c1: Vec3 = [y * v[2] - z * v[1], z * v[0] - x * v[2], x * v[1] - y * v[0]];
  const c2: Vec3 = [y * c1[2] - z * c1[1], z * c1[0] - x * c1[2], x * c1[1] - y * c1[0]];
  return [0, 1, 2].map((k) => v[k] + 2 * w * c1[k] + 2 * c2[k]) as Vec3;
};
const compose = (a: Quat, b: Quat): Quat => [
  a[3] * b[0] + a[0] * b[3] + a[1] * b[2] - a[2] * b[1],
  a[3] * b[1] - a[0] * b[2] + a[1] * b[3] + a[2] * b[0],
  a[3] * b[2] + a[0] * b[1] - a[1] * b[0] + a[2] * b[3],
  a[3] * b[3] - a[0] * b[0] - a[1] * b[1] - a[2] * b[2],
];

/** Each vertex moved by its joints: Σ weight × (joint's posed origin + its turn of (p − rest point)). */
export function posedVertices(
  vertices: HeadVertex[],
  weights: [number, number][][],
  pose: JointPose[],
): Vec3[] {
  const joints = rigJoints();
  const turn: Quat[] = [];
  const origin: Vec3[] = [];
  joints.forEach((j, i) => {
    const p = joints.findIndex((q) => q.name === j.parent);
    const offset = j.at.map((c, k) => c - (p >= 0 ? joints[p].at[k] : 0) + pose[i].translation[k]);
    turn[i] = p >= 0 ? compose(turn[p], pose[i].rotation) : pose[i].rotation;
    const moved = p >= 0 ? rotate(turn[p], offset as Vec3) : (offset as Vec3);
    origin[i] = [0, 1, 2].map((k) => (p >= 0 ? origin[p][k] : 0) + moved[k]) as Vec3;
  });
  return vertices.map((v, n) => {
    const out: Vec3 = [0, 0, 0];
    for (const [j, w] of weights[n]) {
      const r = rotate(turn[j], [
        v.p[0] - joints[j].at[0],
        v.p[1] - joints[j].at[1],
        v.p[2] - joints[j].at[2],
      ]);
      for (let k = 0; k < 3; k++) out[k] += w * (origin[j][k] + r[k]);
    }
    return out;
  });
}

/** Per mesh of the package: its vertices at rest and at the named pose (e.g. `ARKit.jawOpen`). */
export function didimoPosedMeshes(
  features: readonly string[],
  poseName: string,
): Record<string, { rest: Vec3[]; posed: Vec3[] }> {
  const mix = didimoPoses(features).find(([name]) => name === poseName)?.[1];
  if (!mix) throw new Error(`no pose ${poseName} for ${features.join(", ")}`);
  const head = mergedParts(["skin"]);
  const pose = fitPose(head.vertices, skinWeights(head.vertices), mix);
  return Object.fromEntries(
    MESHES.map(([name, parts]) => {
      const { vertices } = mergedParts(parts);
      return [
        name,
        {
          rest: vertices.map((v) => v.p),
          posed: posedVertices(vertices, skinWeights(vertices), pose),
        },
      ];
    }),
  );
}
