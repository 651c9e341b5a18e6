/**
 * What closes the cuts in the skin. Behind the lips, the mouth: for each column between
 * the corners a loop from the upper rim back along the roof, down the back wall and
 * forward along the floor to the lower rim; the roof follows the upper lip, the floor the
 * jaw. Behind each eye opening a shallow socket from lid to lid, dark like a shadow, that
 * the eyeball fills except in the corners. The corner columns have no depth, which
 * closes each pocket's sides.
 */
import { swatchUv } from "./atlas";
import { lipProfile } from "./features";
import { MOUTH } from "./layout";
import { acrossEye } from "./lids";
import { lipWeights } from "./regions";
import { vertex, type HeadVertex, type PartGeometry, type Vec3 } from "./vertex";

const MOUTH_ROWS = 8;
const SOCKET_ROWS = 4;

/** Quads between consecutive columns of `rows + 1` vertices each, facing the opening. */
function pocketTriangles(cols: number, rows: number): number[] {
  const at = (col: number, k: number) => col * (rows + 1) + k;
  const triangles: number[] = [];
  for (let col = 0; col < cols - 1; col++) {
    for (let k = 0; k < rows; k++) {
      const [a, b, d, e] = [at(col, k), at(col + 1, k), at(col, k + 1), at(col + 1, k + 1)];
      triangles.push(a, d, b, b, d, e);
    }
  }
  return triangles;
}

/** `rims`: per column from corner to corner, the [upper, lower] rim vertex in `skin`. */
export function mouthPocket(rims: [number, number][], skin: HeadVertex[]): PartGeometry {
  const vertices: HeadVertex[] = [];
  const cols = rims.length;
  rims.forEach(([upperRim, lowerRim], col) => {
    const rim = skin[upperRim].p;
    const [upperJaw, lowerJaw] = [skin[upperRim].jaw, skin[lowerRim].jaw];
    const lips = col === 0 || col === cols - 1 ? 0 : lipProfile(rim[0]);
    const height = 0.011 * lips ** 0.6;
    const depth = 0.032 * lips ** 0.25;
    for (let k = 0; k <= MOUTH_ROWS; k++) {
      const s = k / MOUTH_ROWS;
      const p: Vec3 = [
        rim[0] * (1 - 0.15 * Math.sin(Math.PI * s)),
        MOUTH.y + height * Math.sin(2 * Math.PI * s),
        rim[2] - depth * Math.sin(Math.PI * s),
      ];
      const rimSide = s < 0.5 ? "upper" : "lower";
      const lipsNear = rimSide === "upper" ? 1 - s / 0.25 : 1 - (1 - s) / 0.25;
      const own = lipWeights(rim[0], MOUTH.y, rim[2], rimSide);
      // From the upper rim's jaw share to the lower rim's, switching over at the back wall.
      const toLower = 0.5 + (0.5 * Math.tanh((s - 0.5) * 8)) / Math.tanh(4);
      vertices.push(
        vertex("mouth", p, {
          jaw: upperJaw + (lowerJaw - upperJaw) * toLower,
          upperLip: rimSide === "upper" ? own.upper * Math.max(0, lipsNear) : 0,
          lowerLip: rimSide === "lower" ? own.lower * Math.max(0, lipsNear) : 0,
          uv: swatchUv("mouth", (rim[0] + 0.03) / 0.06, Math.sin(Math.PI * s)),
        }),
      );
    }
  });
  return { vertices, triangles: pocketTriangles(cols, MOUTH_ROWS) };
}

/**
 * An eye's socket. Its vertices keep their rim's lid data, so the lid shapes carry the
 * upper half with the upper lid and the lower half with the lower one.
 */
export function eyeSocket(rims: [number, number][], skin: HeadVertex[]): PartGeometry {
  const vertices: HeadVertex[] = [];
  const cols = rims.length;
  rims.forEach(([upperRim, lowerRim], col) => {
    const [up, down] = [skin[upperRim], skin[lowerRim]];
    const t = col === 0 || col === cols - 1 ? null : acrossEye(up.base[0]);
    const depth = t === null ? 0 : 0.014 * Math.sin(Math.PI * t) ** 0.5;
    for (let k = 0; k <= SOCKET_ROWS; k++) {
      const s = k / SOCKET_ROWS;
      const rim = s < 0.5 ? up : down;
      const p: Vec3 = [
        up.p[0] + (down.p[0] - up.p[0]) * s,
        up.p[1] + (down.p[1] - up.p[1]) * s,
        up.p[2] + (down.p[2] - up.p[2]) * s - depth * Math.sin(Math.PI * s),
      ];
      vertices.push(
        vertex("socket", p, {
          base: rim.base,
          lid: rim.lid,
          uv: swatchUv("mouth", 0.5, 0.3 + 0.5 * Math.sin(Math.PI * s)),
        }),
      );
    }
  });
  return { vertices, triangles: pocketTriangles(cols, SOCKET_ROWS) };
}
