/**
 * A vertex of the simulated head with what the facial shapes need to know about it:
 * where it rests, which part it belongs to, how much the jaw and each lip carry it, and
 * for the eyelid skin its row height before the eye opening.
 */
export type Vec3 = [number, number, number];

export type HeadPart =
  "skin" | "mouth" | "socket" | "teethUpper" | "teethLower" | "tongue" | "eyeLeft" | "eyeRight";

export interface HeadVertex {
  part: HeadPart;
  /** Rest position. */
  p: Vec3;
  uv: [number, number];
  /** Skin (and eye sockets, their rim's): position before the eye opening and the lids' hug ([x, row height, z]). */
  base: Vec3;
  /** Skin on the cut along an eye line: which rim the vertex belongs to. */
  lid: "upper" | "lower" | null;
  /** 0..1: how much the jaw carries the vertex. */
  jaw: number;
  /** 0..1: how much the upper and lower lip carry it. */
  upperLip: number;
  lowerLip: number;
  /** Vertices with the same key share their normals (seams and closed cuts). */
  weld: string;
}

/** One part's vertices and triangles (indices into `vertices`, counter-clockwise outside). */
export interface PartGeometry {
  vertices: HeadVertex[];
  triangles: number[];
}

export function vertex(part: HeadPart, p: Vec3, fields: Partial<HeadVertex> = {}): HeadVertex {
  return {
    part,
    p,
    uv: [0, 0],
    base: p,
    lid: null,
    jaw: 0,
    upperLip: 0,
    lowerLip: 0,
    weld: `${part}:${p.map((c) => c.toFixed(6)).join(",")}`,
    ...fields,
  };
}
