/**
 * The simulated head's parts, built once (they do not depend on the selfie), and the
 * flat arrays glTF wants: positions, smooth normals, texture coordinates, indices.
 */
import { buildEyeball, buildTeeth, buildTongue } from "./parts";
import { buildSkin } from "./skin";
import type { PartGeometry } from "./vertex";

export interface HeadParts {
  /** The skin with the mouth's inside. */
  skin: PartGeometry;
  teethUpper: PartGeometry;
  teethLower: PartGeometry;
  tongue: PartGeometry;
  eyeLeft: PartGeometry;
  eyeRight: PartGeometry;
}

let parts: HeadParts | null = null;

export function headParts(): HeadParts {
  parts ??= {
    skin: buildSkin(),
    teethUpper: buildTeeth(true),
    teethLower: buildTeeth(false),
    tongue: buildTongue(),
    eyeLeft: buildEyeball(1),
    eyeRight: buildEyeball(-1),
  };
  return parts;
}

const merged = new Map<string, PartGeometry>();

/** Several parts as one (a mesh that holds them all); the same list gives the same object. */
export function mergedParts(names: (keyof HeadParts)[]): PartGeometry {
  const key = names.join("+");
  let out = merged.get(key);
  if (!out) merged.set(key, (out = mergeParts(...names.map((n) => headParts()[n]))));
  return out;
}

function mergeParts(...list: PartGeometry[]): PartGeometry {
  const out: PartGeometry = { vertices: [], triangles: [] };
  for (const g of list) {
    const offset = out.vertices.length;
    out.vertices.push(...g.vertices);
    for (const i of g.triangles) out.triangles.push(i + offset);
  }
  return out;
}

export function positionsOf(g: PartGeometry): Float32Array {
  return Float32Array.from(g.vertices.flatMap((v) => v.p));
}

export function uvsOf(g: PartGeometry): Float32Array {
  return Float32Array.from(g.vertices.flatMap((v) => v.uv));
}

export function indicesOf(g: PartGeometry): Uint16Array | Uint32Array {
  return g.vertices.length < 65536 ? Uint16Array.from(g.triangles) : Uint32Array.from(g.triangles);
}

/** Area-weighted vertex normals, shared by vertices with the same weld key. */
export function normalsOf(g: PartGeometry): Float32Array {
  const sums = new Map<string, [number, number, number]>();
  const t = g.triangles;
  for (let i = 0; i < t.length; i += 3) {
    const [a, b, c] = [g.vertices[t[i]].p, g.vertices[t[i + 1]].p, g.vertices[t[i + 2]].p];
    const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const w = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
    const n: [number, number, number] = [
      u[1] * w[2] - u[2] * w[1],
      u[2] * w[0] - u[0] * w[2],
      u[0] * w[1] - u[1] * w[0],
    ];
    for (const k of [t[i], t[i + 1], t[i + 2]]) {
      const key = g.vertices[k].weld;
      const s = sums.get(key) ?? [0, 0, 0];
      sums.set(key, [s[0] + n[0], s[1] + n[1], s[2] + n[2]]);
    }
  }
  const out = new Float32Array(g.vertices.length * 3);
  g.vertices.forEach((v, i) => {
    const s = sums.get(v.weld) ?? [0, 0, 1];
    const len = Math.hypot(...s) || 1;
    out.set([s[0] / len, s[1] / len, s[2] / len], i * 3);
  });
  return out;
}
