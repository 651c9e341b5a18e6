/**
 * The head's skin: rings from the crown down the neck, denser over the face and towards
 * the front, with the face's relief pushed out, cut open along both eye lines (the
 * eyelids) and along the mouth (the lips). Pockets behind the cuts (pockets.ts) close
 * them, so an open mouth or an eye seen from the side never shows the inside of the head.
 */
import { skinUv } from "./atlas";
import { earRelief, faceRelief } from "./features";
import {
  CHIN_Y,
  MOUTH,
  NECK_BOTTOM_Y,
  PROFILE,
  domeRow,
  ringAt,
  ringPoint,
  type Ring,
} from "./layout";
import { LIDS_OPEN, acrossEye, hugZ, lidOffset, onEyeSide } from "./lids";
import { eyeSocket, mouthPocket } from "./pockets";
import { jawWeight, lipWeights } from "./regions";
import { vertex, type HeadVertex, type PartGeometry, type Vec3 } from "./vertex";

const COLUMNS = 64;
const DOME_ROWS = 13;

/** Row heights: the dome by angle, then even steps with rows exactly on the eye and mouth lines. */
function rowRings(): Ring[] {
  const top = PROFILE[0];
  const rings: Ring[] = [];
  for (let k = 0; k < DOME_ROWS; k++) {
    const { y, scale: s } = domeRow(k / DOME_ROWS);
    rings.push({
      y,
      a: top.a * s,
      chinA: top.chinA * s,
      front: top.front * s,
      back: top.back * s,
      n: top.n,
    });
  }
  const stops: [number, number][] = [
    [top.y, 8],
    [0, 22],
    [MOUTH.y, 14],
    [CHIN_Y, 4],
    [-0.13, 6],
    [NECK_BOTTOM_Y, 0],
  ];
  for (let i = 0; i < stops.length - 1; i++) {
    const [from, steps] = stops[i];
    const to = stops[i + 1][0];
    for (let k = 0; k < steps; k++) rings.push(ringAt(from + ((to - from) * k) / steps));
  }
  rings.push(ringAt(NECK_BOTTOM_Y));
  return rings;
}

/** Column azimuths: -π (back) … 0 (front) … π (back again), closer together in front. */
function columnAngle(c: number): number {
  const t = (2 * c) / COLUMNS - 1;
  return Math.PI * (t - (0.45 * Math.sin(Math.PI * t)) / Math.PI);
}

/** The skin point of a ring at an azimuth, with the face's relief. */
function reliefPoint(ring: Ring, phi: number): Vec3 {
  const [x0, z0] = ringPoint(ring, phi);
  // The cross-section's outward normal, flattened to the horizontal.
  const a = z0 >= 0 ? ring.a + (ring.chinA - ring.a) * Math.cos(phi) ** 2 : ring.a;
  const nx = x0 / a ** 2 || 0;
  const nz = z0 / (z0 >= 0 ? ring.front : ring.back) ** 2 || 0;
  const len = Math.hypot(nx, nz) || 1;
  const h = faceRelief(x0, ring.y, z0) + earRelief(x0, ring.y, z0);
  return [x0 + (h * nx) / len, ring.y, z0 + (h * nz) / len];
}

function skinVertex(base: Vec3, lid: "upper" | "lower" | null, mouthRim: "upper" | "lower" | null) {
  const [bx, rowY, bz] = base;
  const [dx, dy] = onEyeSide(bz) ? lidOffset(bx, rowY, lid, LIDS_OPEN) : [0, 0];
  const x = bx + dx;
  const y = rowY + dy;
  const z = onEyeSide(bz) ? hugZ(x, y, bz) : bz;
  const lips = lipWeights(x, y, z, mouthRim);
  const v = vertex("skin", [x, y, z], {
    base,
    lid,
    jaw: jawWeight(x, y, z, mouthRim),
    upperLip: lips.upper,
    lowerLip: lips.lower,
    // A rim's texture is read a little outside the cut, on the lashes rather than the eye.
    uv: skinUv(x, y + (lid === "upper" ? 0.001 : lid === "lower" ? -0.0008 : 0), z),
  });
  // A closed cut's two rims share their normals (the open eyes' rims do not touch).
  if (mouthRim) v.weld = `skin:mouth:${x.toFixed(6)}`;
  return v;
}

export function buildSkin(): PartGeometry {
  const rings = rowRings();
  const vertices: HeadVertex[] = [];
  /** Per row and column: the vertex seen from the row above ([0]) and from the row below ([1]). */
  const grid: [number, number][][] = [];
  const add = (v: HeadVertex) => vertices.push(v) - 1;
  const eyeRow = rings.findIndex((r) => r.y === 0);
  const mouthRow = rings.findIndex((r) => r.y === MOUTH.y);
  const cut = { mouth: [] as number[], eyeLeft: [] as number[], eyeRight: [] as number[] };

  rings.forEach((ring, r) => {
    const row: [number, number][] = [];
    if (r === 0) {
      const pole = add(skinVertex([0, ring.y, 0], null, null));
      for (let c = 0; c <= COLUMNS; c++) row.push([pole, pole]);
      grid.push(row);
      return;
    }
    for (let c = 0; c <= COLUMNS; c++) {
      if (c === COLUMNS) {
        // The seam: same point as column 0, its own texture coordinate.
        const first = vertices[row[0][0]];
        const dup = { ...first, uv: skinUv(first.p[0] + 1e-9, first.p[1], first.p[2]) };
        const i = add(dup);
        const j = row[0][1] === row[0][0] ? i : add({ ...vertices[row[0][1]] });
        row.push([i, j]);
        continue;
      }
      const base = reliefPoint(ring, columnAngle(c));
      const front = base[2] > 0;
      if (r === eyeRow && front && acrossEye(base[0]) !== null) {
        row.push([add(skinVertex(base, "upper", null)), add(skinVertex(base, "lower", null))]);
        cut[base[0] > 0 ? "eyeLeft" : "eyeRight"].push(c);
      } else if (r === mouthRow && front && Math.abs(base[0]) < MOUTH.halfWidth) {
        row.push([add(skinVertex(base, null, "upper")), add(skinVertex(base, null, "lower"))]);
        cut.mouth.push(c);
      } else {
        const i = add(skinVertex(base, null, null));
        row.push([i, i]);
      }
    }
    grid.push(row);
  });

  const triangles: number[] = [];
  for (let r = 0; r < grid.length - 1; r++) {
    for (let c = 0; c < COLUMNS; c++) {
      const a = grid[r][c][1];
      const b = grid[r][c + 1][1];
      const d = grid[r + 1][c][0];
      const e = grid[r + 1][c + 1][0];
      if (r === 0) triangles.push(a, d, e);
      else triangles.push(a, d, b, b, d, e);
    }
  }
  // Each cut with its corners (the first columns on either side that are not cut).
  const rims = (row: number, cols: number[]) =>
    [cols[0] - 1, ...cols, cols[cols.length - 1] + 1].map((c) => grid[row][c]);
  for (const pocket of [
    mouthPocket(rims(mouthRow, cut.mouth), vertices),
    eyeSocket(rims(eyeRow, cut.eyeLeft), vertices),
    eyeSocket(rims(eyeRow, cut.eyeRight), vertices),
  ]) {
    const offset = vertices.length;
    vertices.push(...pocket.vertices);
    triangles.push(...pocket.triangles.map((i) => i + offset));
  }
  return { vertices, triangles };
}
