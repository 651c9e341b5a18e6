/**
 * The arithmetic of posing a skinned mesh, as glTF defines it, with no glTF document in
 * sight: 4 × 4 matrices (column-major, as glTF stores them), a node's matrix from its
 * translation, rotation and scale, keyframe sampling (STEP, LINEAR with spherical
 * interpolation of rotations, CUBICSPLINE), and linear blend skinning: every vertex is
 * moved by the weighted sum of its joints' matrices (joint world matrix × inverse bind
 * matrix). Double precision throughout; callers store the results as float32.
 */

/** Column-major: element (row r, column c) is m[c * 4 + r]. */
export type Mat4 = Float64Array;
export type Vec3 = readonly [number, number, number];
/** [x, y, z, w] */
export type Quat = readonly [number, number, number, number];

export function identity(): Mat4 {
  const m = new Float64Array(16);
  m[0] = m[5] = m[10] = m[15] = 1;
  return m;
}

/** The matrix T · R · S of a node (glTF's order: scale first, then rotate, then translate). */
export function fromTRS(t: Vec3, r: Quat, s: Vec3): Mat4 {
  const [x, y, z, w] = r;
  const m = new Float64Array(16);
  m[0] = (1 - 2 * (y * y + z * z)) * s[0];
  m[1] = 2 * (x * y + z * w) * s[0];
  m[2] = 2 * (x * z - y * w) * s[0];
  m[4] = 2 * (x * y - z * w) * s[1];
  m[5] = (1 - 2 * (x * x + z * z)) * s[1];
  m[6] = 2 * (y * z + x * w) * s[1];
  m[8] = 2 * (x * z + y * w) * s[2];
  m[9] = 2 * (y * z - x * w) * s[2];
  m[10] = (1 - 2 * (x * x + y * y)) * s[2];
  m[12] = t[0];
  m[13] = t[1];
  m[14] = t[2];
  m[15] = 1;
  return m;
}

/** a · b */
export function multiply(a: ArrayLike<number>, b: ArrayLike<number>): Mat4 {
  const out = new Float64Array(16);
  for (let c = 0; c < 4; c++)
    for (let r = 0; r < 4; r++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += a[k * 4 + r] * b[c * 4 + k];
      out[c * 4 + r] = sum;
    }
  return out;
}

/** The inverse of an affine matrix (a node's or a joint's); throws when it has none. */
export function invertAffine(m: ArrayLike<number>): Mat4 {
  const [a, b, c, d, e, f, g, h, i] = [m[0], m[4], m[8], m[1], m[5], m[9], m[2], m[6], m[10]];
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error("a singular transform");
  const inv = [
    (e * i - f * h) / det,
    (c * h - b * i) / det,
    (b * f - c * e) / det,
    (f * g - d * i) / det,
    (a * i - c * g) / det,
    (c * d - a * f) / det,
    (d * h - e * g) / det,
    (b * g - a * h) / det,
    (a * e - b * d) / det,
  ];
  const out = identity();
  for (let r = 0; r < 3; r++) {
    for (let col = 0; col < 3; col++) out[col * 4 + r] = inv[r * 3 + col];
    out[12 + r] = -(inv[r * 3] * m[12] + inv[r * 3 + 1] * m[13] + inv[r * 3 + 2] * m[14]);
  }
  return out;
}

/** m · (x, y, z, 1) */
export function transformPoint(
  m: ArrayLike<number>,
  p: ArrayLike<number>,
): [number, number, number] {
  return [0, 1, 2].map((r) => m[r] * p[0] + m[4 + r] * p[1] + m[8 + r] * p[2] + m[12 + r]) as [
    number,
    number,
    number,
  ];
}

/** m · (x, y, z, 0): a direction or an offset, without the translation. */
export function transformVector(
  m: ArrayLike<number>,
  v: ArrayLike<number>,
): [number, number, number] {
  return [0, 1, 2].map((r) => m[r] * v[0] + m[4 + r] * v[1] + m[8 + r] * v[2]) as [
    number,
    number,
    number,
  ];
}

function slerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): number[] {
  let dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  const sign = dot < 0 ? -1 : 1; // the shorter way round
  dot *= sign;
  let wa = 1 - t;
  let wb = t * sign;
  if (dot < 0.9995) {
    const angle = Math.acos(dot);
    wa = Math.sin((1 - t) * angle) / Math.sin(angle);
    wb = (Math.sin(t * angle) / Math.sin(angle)) * sign;
  }
  const q = [0, 1, 2, 3].map((k) => wa * a[k] + wb * b[k]);
  const len = Math.hypot(...q) || 1;
  return q.map((c) => c / len);
}

/** One animation sampler's keyframes: `values` holds `size` numbers per keyframe (3 × that for CUBICSPLINE). */
export interface Keyframes {
  times: ArrayLike<number>;
  values: ArrayLike<number>;
  size: number;
  interpolation: "STEP" | "LINEAR" | "CUBICSPLINE";
  /** Rotations interpolate spherically and come out normalised. */
  rotation: boolean;
}

/** The sampler's value at time `t` (held before the first and after the last keyframe). */
export function sample(k: Keyframes, t: number): number[] {
  const n = k.times.length;
  const cubic = k.interpolation === "CUBICSPLINE";
  const at = (key: number) => {
    const start = (cubic ? key * 3 + 1 : key) * k.size;
    return Array.from({ length: k.size }, (_, j) => k.values[start + j]);
  };
  if (n === 0) throw new Error("an animation sampler without keyframes");
  if (t <= k.times[0]) return at(0);
  if (t >= k.times[n - 1]) return at(n - 1);
  let i = 0;
  while (k.times[i + 1] <= t) i++;
  const t0 = k.times[i];
  const dt = k.times[i + 1] - t0;
  const u = (t - t0) / dt;
  if (k.interpolation === "STEP" || u === 0) return at(i);
  if (k.interpolation === "LINEAR") {
    const [a, b] = [at(i), at(i + 1)];
    return k.rotation ? slerp(a, b, u) : a.map((v, j) => v + (b[j] - v) * u);
  }
  // Cubic Hermite between value i (out-tangent i) and value i + 1 (in-tangent i + 1).
  const part = (key: number, which: 0 | 2) =>
    Array.from({ length: k.size }, (_, j) => k.values[(key * 3 + which) * k.size + j]);
  const [p0, m0, p1, m1] = [at(i), part(i, 2), at(i + 1), part(i + 1, 0)];
  const [u2, u3] = [u * u, u * u * u];
  const out = p0.map(
    (v, j) =>
      (2 * u3 - 3 * u2 + 1) * v +
      (u3 - 2 * u2 + u) * dt * m0[j] +
      (-2 * u3 + 3 * u2) * p1[j] +
      (u3 - u2) * dt * m1[j],
  );
  if (!k.rotation) return out;
  const len = Math.hypot(...out) || 1;
  return out.map((c) => c / len);
}

/** A vertex set's skin: per influence set (JOINTS_n / WEIGHTS_n), 4 joint indices and 4 weights per vertex. */
export interface SkinInfluences {
  joints: ArrayLike<number>[];
  weights: ArrayLike<number>[];
}

/**
 * Linear blend skinning of `count` points (or, with `direction`, vectors): each is moved
 * by Σ wᵢ · Mᵢ with Mᵢ = joint world matrix × inverse bind matrix (`jointMatrices`).
 * Weights are normalised to sum 1 (as viewers do); a vertex without weight stays where it is.
 */
export function skin(
  points: ArrayLike<number>,
  count: number,
  influences: SkinInfluences,
  jointMatrices: readonly Mat4[],
  direction = false,
): Float64Array {
  const out = new Float64Array(count * 3);
  const blended = new Float64Array(16);
  for (let v = 0; v < count; v++) {
    blended.fill(0);
    let total = 0;
    influences.weights.forEach((weights, set) => {
      for (let k = 0; k < 4; k++) {
        const w = weights[v * 4 + k];
        if (!w) continue;
        const m = jointMatrices[influences.joints[set][v * 4 + k]];
        if (!m)
          throw new Error(
            `a vertex names joint ${influences.joints[set][v * 4 + k]}, which the skin lacks`,
          );
        for (let e = 0; e < 16; e++) blended[e] += w * m[e];
        total += w;
      }
    });
    const p = [points[v * 3], points[v * 3 + 1], points[v * 3 + 2]];
    if (total <= 0) {
      out.set(p, v * 3);
      continue;
    }
    for (let e = 0; e < 16; e++) blended[e] /= total;
    out.set(direction ? transformVector(blended, p) : transformPoint(blended, p), v * 3);
  }
  return out;
}
