/**
 * The 52 ARKit facial shapes of the simulated head, each a displacement of every vertex
 * at full weight (a morph target's delta). They move what their names say: the jaw turns
 * about its hinge, the lids close over the eyeballs, the corners of the mouth rise for a
 * smile, the lips push forward for a pucker, and so on. "Left" is the subject's left (+X).
 */
import type { ARKIT_52 } from "../face-names";
import { JAW, MOUTH, bump, smoothstep } from "./layout";
import { LIDS_OPEN, acrossEye, eyeCentre, hugZ, lidOffset, onEyeSide, type LidState } from "./lids";
import type { HeadVertex, Vec3 } from "./vertex";

export type ArkitShape = (typeof ARKIT_52)[number];
type Side = 1 | -1;
/** A shape's displacement of one vertex (null: it does not move). */
type Shape = (v: HeadVertex) => Vec3 | null;

const add = (...ds: (Vec3 | null)[]): Vec3 | null => {
  const out: Vec3 = [0, 0, 0];
  let any = false;
  for (const d of ds) {
    if (!d) continue;
    any = true;
    out[0] += d[0];
    out[1] += d[1];
    out[2] += d[2];
  }
  return any ? out : null;
};
const scaled = (w: number, d: Vec3): Vec3 | null =>
  w === 0 ? null : [d[0] * w, d[1] * w, d[2] * w];

/** 1 on the face's skin and the mouth's inside, 0 on the back of the head and the other parts. */
const onFace = (v: HeadVertex) =>
  v.part === "skin" || v.part === "mouth" ? smoothstep(0.02, 0.05, v.p[2]) : 0;
/** 1 on one side of the face, fading across the middle. */
const half = (v: HeadVertex, side: Side) => smoothstep(-0.006, 0.006, side * v.p[0]);
const area = (v: HeadVertex, cx: number, cy: number, sx: number, sy: number) =>
  onFace(v) * bump(v.p[0], v.p[1], cx, cy, sx, sy);
const corner = (v: HeadVertex, side: Side) => area(v, side * MOUTH.halfWidth, MOUTH.y, 0.012, 0.01);
const lips = (v: HeadVertex) => v.upperLip + v.lowerLip;

/** Where the lids put a lid point in a state (the skin hugs the eyeball). */
function lidPoint(base: Vec3, lid: HeadVertex["lid"], state: LidState): Vec3 {
  const [bx, rowY, bz] = base;
  const [dx, dy] = lidOffset(bx, rowY, lid, state);
  return [bx + dx, rowY + dy, hugZ(bx + dx, rowY + dy, bz)];
}

/** The lids of one eye moved to `state`; a socket vertex moves with its rim. */
const lids =
  (side: Side, state: Partial<LidState>): Shape =>
  (v) => {
    if (v.part !== "skin" && v.part !== "socket") return null;
    const [bx, , bz] = v.base;
    if ((bx >= 0 ? 1 : -1) !== side || !onEyeSide(bz) || acrossEye(bx) === null) return null;
    const rest = lidPoint(v.base, v.lid, LIDS_OPEN);
    const posed = lidPoint(v.base, v.lid, { ...LIDS_OPEN, ...state });
    return [posed[0] - rest[0], posed[1] - rest[1], posed[2] - rest[2]];
  };

/** An eyeball turned about its centre: pitch > 0 looks down, yaw > 0 towards +X. */
const gaze =
  (side: Side, pitch: number, yaw: number): Shape =>
  (v) => {
    if (v.part !== (side === 1 ? "eyeLeft" : "eyeRight")) return null;
    const c = eyeCentre(side);
    const [x, y, z] = [v.p[0] - c[0], v.p[1] - c[1], v.p[2] - c[2]];
    const y1 = y * Math.cos(pitch) - z * Math.sin(pitch);
    const z1 = y * Math.sin(pitch) + z * Math.cos(pitch);
    const x2 = x * Math.cos(yaw) + z1 * Math.sin(yaw);
    const z2 = -x * Math.sin(yaw) + z1 * Math.cos(yaw);
    return [x2 - x, y1 - y, z2 - z];
  };

/** Where the jaw takes a point when fully open: turned about the hinge, slid forward. */
function jawMotion(p: Vec3): Vec3 {
  const dy = p[1] - JAW.hingeY;
  const dz = p[2] - JAW.hingeZ;
  const c = Math.cos(JAW.openAngle);
  const s = Math.sin(JAW.openAngle);
  return [0, dy * c - dz * s - dy, dz * c + dy * s - dz + JAW.openSlide];
}
const jaw =
  (d: Vec3 | "open", amount = 1): Shape =>
  (v) =>
    scaled(v.jaw * amount, d === "open" ? jawMotion(v.p) : d);

const eyeShapes = (side: Side) => ({
  blink: lids(side, { upperClose: 1, lowerClose: 1 }),
  lookDown: (v: HeadVertex) =>
    add(lids(side, { upperClose: 0.3, lowerLift: -0.001 })(v), gaze(side, 0.3, 0)(v)),
  lookIn: (v: HeadVertex) =>
    add(lids(side, { sideShift: -side * 0.002 })(v), gaze(side, 0, -side * 0.35)(v)),
  lookOut: (v: HeadVertex) =>
    add(lids(side, { sideShift: side * 0.002 })(v), gaze(side, 0, side * 0.35)(v)),
  lookUp: (v: HeadVertex) =>
    add(lids(side, { upperLift: 0.0022, lowerLift: 0.0012 })(v), gaze(side, -0.3, 0)(v)),
  squint: (v: HeadVertex) =>
    add(
      lids(side, { upperClose: 0.15, lowerClose: 0.55 })(v),
      scaled(area(v, side * 0.036, -0.02, 0.016, 0.01), [0, 0.0025, 0]),
    ),
  wide: lids(side, { upperClose: -0.45, lowerClose: -0.25 }),
});

const mouthSide = (side: Side) => ({
  smile: (v: HeadVertex) =>
    add(
      scaled(corner(v, side), [side * 0.005, 0.0075, -0.003]),
      scaled(area(v, side * 0.04, -0.045, 0.014, 0.014), [0, 0.003, 0.002]),
    ),
  frown: (v: HeadVertex) => scaled(corner(v, side), [side * 0.001, -0.007, 0]),
  dimple: (v: HeadVertex) => scaled(corner(v, side), [side * 0.002, 0, -0.004]),
  stretch: (v: HeadVertex) => scaled(corner(v, side), [side * 0.008, -0.003, 0]),
  press: (v: HeadVertex) =>
    add(
      scaled(half(v, side) * v.upperLip, [0, -0.0015, -0.0015]),
      scaled(half(v, side) * v.lowerLip, [0, 0.0015, -0.0015]),
    ),
  lowerDown: (v: HeadVertex) => scaled(half(v, side) * v.lowerLip, [0, -0.008, 0.001]),
  upperUp: (v: HeadVertex) => scaled(half(v, side) * v.upperLip, [0, 0.007, 0.001]),
  browDown: (v: HeadVertex) =>
    scaled(area(v, side * 0.03, 0.022, 0.02, 0.012), [-side * 0.002, -0.005, 0.001]),
  browOuterUp: (v: HeadVertex) =>
    scaled(area(v, side * 0.046, 0.022, 0.014, 0.012), [0, 0.0065, 0]),
  cheekSquint: (v: HeadVertex) =>
    add(
      scaled(area(v, side * 0.042, -0.018, 0.015, 0.012), [0, 0.004, 0]),
      lids(side, { lowerClose: 0.25 })(v),
    ),
  noseSneer: (v: HeadVertex) =>
    scaled(area(v, side * 0.011, -0.03, 0.008, 0.012), [0, 0.0035, 0.001]),
});

const L = { ...eyeShapes(1), ...mouthSide(1) };
const R = { ...eyeShapes(-1), ...mouthSide(-1) };

export const ARKIT_SHAPES: Record<ArkitShape, Shape> = {
  eyeBlinkLeft: L.blink,
  eyeLookDownLeft: L.lookDown,
  eyeLookInLeft: L.lookIn,
  eyeLookOutLeft: L.lookOut,
  eyeLookUpLeft: L.lookUp,
  eyeSquintLeft: L.squint,
  eyeWideLeft: L.wide,
  eyeBlinkRight: R.blink,
  eyeLookDownRight: R.lookDown,
  eyeLookInRight: R.lookIn,
  eyeLookOutRight: R.lookOut,
  eyeLookUpRight: R.lookUp,
  eyeSquintRight: R.squint,
  eyeWideRight: R.wide,
  jawForward: jaw([0, 0, 0.009]),
  jawLeft: jaw([0.009, 0, 0]),
  jawRight: jaw([-0.009, 0, 0]),
  jawOpen: jaw("open"),
  // The lips meet although the jaw is open: the lower lip comes up 60 % of the way, the
  // upper one down the other 40 %.
  mouthClose: (v) =>
    add(scaled(-0.6 * v.lowerLip, jawMotion(v.p)), scaled(0.4 * v.upperLip, jawMotion(v.p))),
  mouthFunnel: (v) =>
    add(
      scaled(lips(v), [-0.25 * v.p[0], 0, 0.007]),
      scaled(v.upperLip, [0, 0.0035, 0]),
      scaled(v.lowerLip, [0, -0.0045, 0]),
    ),
  mouthPucker: (v) =>
    add(
      scaled(lips(v), [-0.35 * v.p[0], 0, 0.011]),
      scaled(corner(v, 1), [-0.004, 0, 0.002]),
      scaled(corner(v, -1), [0.004, 0, 0.002]),
    ),
  mouthLeft: (v) => scaled(area(v, 0, MOUTH.y, 0.035, 0.02), [0.009, 0, 0]),
  mouthRight: (v) => scaled(area(v, 0, MOUTH.y, 0.035, 0.02), [-0.009, 0, 0]),
  mouthSmileLeft: L.smile,
  mouthSmileRight: R.smile,
  mouthFrownLeft: L.frown,
  mouthFrownRight: R.frown,
  mouthDimpleLeft: L.dimple,
  mouthDimpleRight: R.dimple,
  mouthStretchLeft: L.stretch,
  mouthStretchRight: R.stretch,
  mouthRollLower: (v) => scaled(v.lowerLip, [0, 0.002, -0.006]),
  mouthRollUpper: (v) => scaled(v.upperLip, [0, -0.002, -0.006]),
  mouthShrugLower: (v) =>
    add(
      scaled(v.lowerLip, [0, 0.004, 0.002]),
      scaled(area(v, 0, -0.095, 0.02, 0.015), [0, 0.003, 0]),
    ),
  mouthShrugUpper: (v) => scaled(v.upperLip, [0, 0.003, 0.002]),
  mouthPressLeft: L.press,
  mouthPressRight: R.press,
  mouthLowerDownLeft: L.lowerDown,
  mouthLowerDownRight: R.lowerDown,
  mouthUpperUpLeft: L.upperUp,
  mouthUpperUpRight: R.upperUp,
  browDownLeft: L.browDown,
  browDownRight: R.browDown,
  browInnerUp: (v) =>
    scaled(area(v, 0.014 * Math.sign(v.p[0]), 0.024, 0.014, 0.014), [0, 0.007, 0]),
  browOuterUpLeft: L.browOuterUp,
  browOuterUpRight: R.browOuterUp,
  cheekPuff: (v) =>
    scaled(area(v, 0.043 * Math.sign(v.p[0]), -0.055, 0.018, 0.018), [
      0.009 * Math.sign(v.p[0]),
      0,
      0.005,
    ]),
  cheekSquintLeft: L.cheekSquint,
  cheekSquintRight: R.cheekSquint,
  noseSneerLeft: L.noseSneer,
  noseSneerRight: R.noseSneer,
  // The tongue comes forward between the lips, which part a little for it.
  tongueOut: (v) =>
    v.part === "tongue"
      ? [0, -0.004, 0.03]
      : scaled(0.35 * v.jaw * (v.part === "teethLower" ? 1 : onFace(v)), jawMotion(v.p)),
};

const cache = new WeakMap<HeadVertex[], Map<ArkitShape, Float32Array>>();

/** One ARKit shape's delta for every vertex, flat (x, y, z, …), computed once per vertex list. */
function arkitDeltas(vertices: HeadVertex[], name: ArkitShape): Float32Array {
  let byName = cache.get(vertices);
  if (!byName) cache.set(vertices, (byName = new Map()));
  let out = byName.get(name);
  if (!out) {
    out = new Float32Array(vertices.length * 3);
    const shape = ARKIT_SHAPES[name];
    for (let i = 0; i < vertices.length; i++) {
      const d = shape(vertices[i]);
      if (d) out.set(d, i * 3);
    }
    byName.set(name, out);
  }
  return out;
}

/** A mix of shapes' delta for every vertex, flat (x, y, z, …); tiny movements are dropped. */
export function shapeDeltas(vertices: HeadVertex[], weights: Partial<Record<ArkitShape, number>>) {
  const out = new Float32Array(vertices.length * 3);
  for (const [name, w] of Object.entries(weights) as [ArkitShape, number][]) {
    const d = arkitDeltas(vertices, name);
    for (let i = 0; i < out.length; i++) out[i] += d[i] * w;
  }
  for (let i = 0; i < out.length; i++) if (Math.abs(out[i]) < 1e-5) out[i] = 0;
  return out;
}
