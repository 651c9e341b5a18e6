/**
 * Didimo's faces are joint-driven, their expressions poses of a face rig stored as
 * animation frames named in avatar_info.json. This is a small such rig for the
 * simulated head: the head, the jaw (at its hinge), the eyes, the tongue, and 23 face
 * joints at landmarks (lids, brows, cheeks, nose sides, mouth corners, lips, chin); the
 * lower lips and the chin hang from the jaw. Each vertex follows up to four joints. A
 * pose (an ARKit shape or a mix) is fitted from the head's own morph displacements: the
 * jaw and eyes turn as the shape says, each lid joint turns about its eyeball's centre
 * by the least-squares angle of what the shape asks of the lid, and each other face joint
 * moves by the weighted mean of what the shape still asks of the skin around it.
 * Joint names and counts are ours (Didimo's 208 joints are not documented).
 */
import { JAW, bump } from "./layout";
import { eyeCentre } from "./lids";
import type { Mix } from "./mixes";
import { shapeDeltas } from "./shapes";
import type { HeadVertex, Vec3 } from "./vertex";

export interface RigJoint {
  name: string;
  parent: string | null;
  /** Rest position, head coordinates. */
  at: Vec3;
}

interface Landmark {
  name: string;
  at: [number, number];
  size: [number, number];
  onJaw: boolean;
  /** Lids turn about the eyeball's centre (and so stay on it) instead of sliding. */
  pivot?: 1 | -1;
  /** Which skin it may move (keeps the lids and the lips apart across their cuts). */
  takes: (v: HeadVertex) => boolean;
}

const above = (v: HeadVertex) => v.base[1] > 0 || v.lid === "upper";
const below = (v: HeadVertex) => v.base[1] < 0 || v.lid === "lower";
const face = (v: HeadVertex) => (v.part === "skin" || v.part === "mouth") && v.p[2] > 0.03;

const LANDMARKS: Landmark[] = [
  ...([1, -1] as const).flatMap((s): Landmark[] => {
    const side = s === 1 ? "L" : "R";
    const onSide = (v: HeadVertex) => face(v) && s * v.p[0] > -0.004;
    return [
      {
        name: `lidUpper${side}`,
        at: [s * 0.033, 0.006],
        size: [0.012, 0.008],
        onJaw: false,
        pivot: s,
        takes: (v) => onSide(v) && above(v),
      },
      {
        name: `lidLower${side}`,
        at: [s * 0.033, -0.005],
        size: [0.012, 0.007],
        onJaw: false,
        pivot: s,
        takes: (v) => onSide(v) && below(v),
      },
      {
        name: `browInner${side}`,
        at: [s * 0.015, 0.024],
        size: [0.01, 0.01],
        onJaw: false,
        takes: onSide,
      },
      {
        name: `browMid${side}`,
        at: [s * 0.031, 0.026],
        size: [0.01, 0.01],
        onJaw: false,
        takes: onSide,
      },
      {
        name: `browOuter${side}`,
        at: [s * 0.047, 0.021],
        size: [0.01, 0.01],
        onJaw: false,
        takes: onSide,
      },
      {
        name: `cheek${side}`,
        at: [s * 0.042, -0.03],
        size: [0.015, 0.015],
        onJaw: false,
        takes: onSide,
      },
      {
        name: `nose${side}`,
        at: [s * 0.011, -0.032],
        size: [0.007, 0.01],
        onJaw: false,
        takes: onSide,
      },
      {
        name: `corner${side}`,
        at: [s * 0.025, -0.068],
        size: [0.009, 0.009],
        onJaw: false,
        takes: onSide,
      },
      {
        name: `upperLip${side}`,
        at: [s * 0.013, -0.064],
        size: [0.008, 0.006],
        onJaw: false,
        takes: (v) => onSide(v) && v.jaw < 0.5,
      },
      {
        name: `lowerLip${side}`,
        at: [s * 0.013, -0.073],
        size: [0.008, 0.006],
        onJaw: true,
        takes: (v) => onSide(v) && v.jaw >= 0.5,
      },
    ];
  }),
  {
    name: "upperLip",
    at: [0, -0.064],
    size: [0.008, 0.006],
    onJaw: false,
    takes: (v) => face(v) && v.jaw < 0.5,
  },
  {
    name: "lowerLip",
    at: [0, -0.073],
    size: [0.008, 0.006],
    onJaw: true,
    takes: (v) => face(v) && v.jaw >= 0.5,
  },
  { name: "chin", at: [0, -0.095], size: [0.018, 0.012], onJaw: true, takes: face },
];

const HINGE: Vec3 = [0, JAW.hingeY, JAW.hingeZ];

export function rigJoints(): RigJoint[] {
  return [
    { name: "Head", parent: null, at: [0, 0, 0] },
    { name: "Jaw", parent: "Head", at: HINGE },
    { name: "EyeLeft", parent: "Head", at: eyeCentre(1) },
    { name: "EyeRight", parent: "Head", at: eyeCentre(-1) },
    { name: "Tongue", parent: "Jaw", at: [0, -0.077, 0.055] },
    ...LANDMARKS.map((l) => ({
      name: `face_${l.name}`,
      parent: l.onJaw ? "Jaw" : "Head",
      at: l.pivot ? eyeCentre(l.pivot) : ([l.at[0], l.at[1], 0.085] as Vec3),
    })),
  ];
}

/** Up to four [joint index, weight] pairs per vertex, weights summing to 1. */
export function skinWeights(vertices: HeadVertex[]): [number, number][][] {
  const names = rigJoints().map((j) => j.name);
  const index = (n: string) => names.indexOf(n);
  return vertices.map((v) => {
    if (v.part === "eyeLeft") return [[index("EyeLeft"), 1]];
    if (v.part === "eyeRight") return [[index("EyeRight"), 1]];
    if (v.part === "tongue") return [[index("Tongue"), 1]];
    const near = LANDMARKS.map((l) => ({
      l,
      w: l.takes(v) ? bump(v.p[0], v.p[1], l.at[0], l.at[1], l.size[0], l.size[1]) : 0,
    }))
      .filter((c) => c.w > 0.02)
      .sort((a, b) => b.w - a.w)
      .slice(0, 2);
    const out: [number, number][] = [];
    for (const onJaw of [false, true]) {
      const share = onJaw ? v.jaw : 1 - v.jaw;
      if (share <= 0) continue;
      const own = near.filter((c) => c.l.onJaw === onJaw);
      const total = own.reduce((s, c) => s + c.w, 0);
      const scale = total > 1 ? 1 / total : 1;
      for (const c of own) out.push([index(`face_${c.l.name}`), share * c.w * scale]);
      out.push([index(onJaw ? "Jaw" : "Head"), share * (1 - Math.min(1, total))]);
    }
    return out
      .filter(([, w]) => w > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4);
  });
}

export interface JointPose {
  /** Offset from the joint's rest position (in its parent's frame; rotations here are small). */
  translation: Vec3;
  /** Rotation quaternion [x, y, z, w]. */
  rotation: [number, number, number, number];
}

const axisAngle = (axis: Vec3, angle: number): [number, number, number, number] => {
  const s = Math.sin(angle / 2);
  return [axis[0] * s, axis[1] * s, axis[2] * s, Math.cos(angle / 2)];
};
const quatMul = (a: number[], b: number[]): [number, number, number, number] => [
  a[3] * b[0] + a[0] * b[3] + a[1] * b[2] - a[2] * b[1],
  a[3] * b[1] - a[0] * b[2] + a[1] * b[3] + a[2] * b[0],
  a[3] * b[2] + a[0] * b[1] - a[1] * b[0] + a[2] * b[3],
  a[3] * b[3] - a[0] * b[0] - a[1] * b[1] - a[2] * b[2],
];

/** The jaw's and the eyes' part of a pose, straight from the mix's weights. */
function boneMotion(mix: Mix): Map<string, JointPose> {
  const w = (n: keyof Mix) => mix[n] ?? 0;
  const open = w("jawOpen") + 0.35 * w("tongueOut");
  const poses = new Map<string, JointPose>();
  // Opening turns the chin down and back (negative about +X) and slides the jaw forward.
  poses.set("Jaw", {
    translation: [
      0.009 * (w("jawLeft") - w("jawRight")),
      0,
      JAW.openSlide * open + 0.009 * w("jawForward"),
    ],
    rotation: axisAngle([1, 0, 0], JAW.openAngle * open),
  });
  poses.set("Tongue", {
    translation: [0, -0.004 * w("tongueOut"), 0.03 * w("tongueOut")],
    rotation: [0, 0, 0, 1],
  });
  for (const [joint, side] of [
    ["EyeLeft", "Left"],
    ["EyeRight", "Right"],
  ] as const) {
    const s = side === "Left" ? 1 : -1;
    const pitch = 0.3 * (w(`eyeLookDown${side}`) - w(`eyeLookUp${side}`));
    const yaw = 0.35 * s * (w(`eyeLookOut${side}`) - w(`eyeLookIn${side}`));
    poses.set(joint, {
      translation: [0, 0, 0],
      rotation: quatMul(axisAngle([0, 1, 0], yaw), axisAngle([1, 0, 0], pitch)),
    });
  }
  return poses;
}

/** Every joint's pose for one mix, fitted on `vertices` (their skin weights from skinWeights). */
export function fitPose(
  vertices: HeadVertex[],
  weights: [number, number][][],
  mix: Mix,
): JointPose[] {
  const joints = rigJoints();
  const bones = boneMotion(mix);
  const target = shapeDeltas(vertices, mix);
  // What the jaw alone already does to each vertex, to leave only the rest to the face joints.
  const open = (mix.jawOpen ?? 0) + 0.35 * (mix.tongueOut ?? 0);
  const jawOnly = shapeDeltas(vertices, {
    jawOpen: open,
    jawForward: mix.jawForward ?? 0,
    jawLeft: mix.jawLeft ?? 0,
    jawRight: mix.jawRight ?? 0,
  });
  const sums = joints.map(() => ({ d: [0, 0, 0] as Vec3, w: 0, turn: 0, arm: 0 }));
  vertices.forEach((v, i) => {
    if (v.part !== "skin" && v.part !== "mouth") return;
    for (const [j, w] of weights[i]) {
      if (!joints[j].name.startsWith("face_")) continue;
      const r = [0, 1, 2].map((k) => target[i * 3 + k] - jawOnly[i * 3 + k]);
      for (let k = 0; k < 3; k++) sums[j].d[k] += w * r[k];
      sums[j].w += w;
      // A turn about +X at the joint moves the vertex along X × (p − joint).
      const c = joints[j].at;
      const arm = [0, -(v.p[2] - c[2]), v.p[1] - c[1]];
      sums[j].turn += w * (arm[1] * r[1] + arm[2] * r[2]);
      sums[j].arm += w * w * (arm[1] ** 2 + arm[2] ** 2);
    }
  });
  const pivots = new Set(LANDMARKS.filter((l) => l.pivot).map((l) => `face_${l.name}`));
  return joints.map((j, i): JointPose => {
    const bone = bones.get(j.name);
    if (bone) return bone;
    const s = sums[i];
    if (pivots.has(j.name))
      return {
        translation: [0, 0, 0],
        rotation: axisAngle([1, 0, 0], s.arm > 1e-12 ? s.turn / s.arm : 0),
      };
    return {
      translation: s.w > 1e-6 ? [s.d[0] / s.w, s.d[1] / s.w, s.d[2] / s.w] : [0, 0, 0],
      rotation: [0, 0, 0, 1],
    };
  });
}
