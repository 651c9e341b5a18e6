/**
 * The head's separate parts: two eyeballs (iris towards +Z), the upper and lower teeth
 * along the dental arch behind the lips, and the tongue on the mouth's floor.
 */
import { swatchUv } from "./atlas";
import { EYE, MOUTH, frontDepthAt } from "./layout";
import { eyeCentre } from "./lids";
import { vertex, type HeadPart, type HeadVertex, type PartGeometry, type Vec3 } from "./vertex";

/** A sphere around `centre` whose pole faces +Z; the front maps onto the eye swatch. */
export function buildEyeball(side: 1 | -1): PartGeometry {
  const part: HeadPart = side === 1 ? "eyeLeft" : "eyeRight";
  const centre = eyeCentre(side);
  const rings = 14;
  const segments = 20;
  const r = EYE.radius;
  const vertices: HeadVertex[] = [];
  for (let i = 0; i <= rings; i++) {
    const theta = (Math.PI * i) / rings; // 0 = front pole
    for (let j = 0; j < segments; j++) {
      const psi = (2 * Math.PI * j) / segments;
      const local: Vec3 = [
        r * Math.sin(theta) * Math.cos(psi),
        r * Math.sin(theta) * Math.sin(psi),
        r * Math.cos(theta),
      ];
      // Front hemisphere: orthographic onto the swatch; the back stays on the sclera's rim.
      const k = theta <= Math.PI / 2 ? Math.sin(theta) : 1;
      const uv = swatchUv("eye", 0.5 + 0.5 * k * Math.cos(psi), 0.5 - 0.5 * k * Math.sin(psi));
      const p: Vec3 = [centre[0] + local[0], centre[1] + local[1], centre[2] + local[2]];
      vertices.push(vertex(part, p, { uv }));
      if (i === 0 || i === rings) break; // the poles are single vertices
    }
  }
  const triangles: number[] = [];
  const at = (i: number, j: number) =>
    i === 0
      ? 0
      : i === rings
        ? 1 + (rings - 1) * segments
        : 1 + (i - 1) * segments + (j % segments);
  for (let i = 0; i < rings; i++) {
    for (let j = 0; j < segments; j++) {
      const a = at(i, j);
      const b = at(i, j + 1);
      const c = at(i + 1, j);
      const d = at(i + 1, j + 1);
      if (i > 0) triangles.push(a, c, b);
      if (i < rings - 1) triangles.push(b, c, d);
    }
  }
  return { vertices, triangles };
}

/** The lips' depth in the middle of the mouth, for placing what sits behind them. */
const lipsZ = () => frontDepthAt(0, MOUTH.y) + 0.002;

/**
 * One row of teeth: a band along the arch with a front, a biting edge and a back.
 * `upper` hangs from above the mouth line, the lower row stands below it on the jaw.
 */
export function buildTeeth(upper: boolean): PartGeometry {
  const part: HeadPart = upper ? "teethUpper" : "teethLower";
  const sign = upper ? 1 : -1;
  // The upper incisors show just under the upper lip; the lower ones stand behind them.
  const frontZ = lipsZ() - (upper ? 0.009 : 0.0115);
  const segments = 24;
  const edgeY = MOUTH.y + (upper ? -0.0015 : -0.0005);
  const rootY = MOUTH.y + sign * 0.011;
  const thickness = 0.004;
  const vertices: HeadVertex[] = [];
  // Four lines along the arch: front root, front edge, back edge, back root.
  const lines: [number, number, number][] = [
    [rootY, 0, 0],
    [edgeY, 0, 0.45],
    [edgeY, thickness, 0.55],
    [rootY, thickness, 1],
  ];
  for (let s = 0; s <= segments; s++) {
    const u = (2 * s) / segments - 1;
    const x = 0.019 * u;
    const z = frontZ - 0.017 * u * u;
    for (const [y, back, v] of lines) {
      // The back face sits behind the front, towards the arch's centre.
      vertices.push(
        vertex(part, [x * (1 - back * 8), y, z - back], {
          jaw: upper ? 0 : 1,
          uv: swatchUv("teeth", s / segments, upper ? v : 1 - v),
        }),
      );
    }
  }
  const triangles: number[] = [];
  for (let s = 0; s < segments; s++) {
    for (let l = 0; l < lines.length - 1; l++) {
      const a = s * 4 + l;
      const b = (s + 1) * 4 + l;
      // Counter-clockwise seen from outside the band.
      if (upper) triangles.push(a, a + 1, b, b, a + 1, b + 1);
      else triangles.push(a, b, a + 1, b, b + 1, a + 1);
    }
  }
  return { vertices, triangles };
}

/** The tongue: the upper half of a flattened ellipsoid lying on the floor of the mouth. */
export function buildTongue(): PartGeometry {
  const centre: Vec3 = [0, MOUTH.y - 0.009, lipsZ() - 0.028];
  const radii: Vec3 = [0.017, 0.005, 0.014];
  const rings = 8;
  const segments = 16;
  const vertices: HeadVertex[] = [];
  for (let i = 0; i <= rings; i++) {
    const theta = (Math.PI / 2) * (i / rings); // 0 = top
    for (let j = 0; j <= segments; j++) {
      const psi = (2 * Math.PI * j) / segments;
      const p: Vec3 = [
        centre[0] + radii[0] * Math.sin(theta) * Math.cos(psi),
        centre[1] + radii[1] * Math.cos(theta),
        centre[2] + radii[2] * Math.sin(theta) * Math.sin(psi),
      ];
      vertices.push(
        vertex("tongue", p, { jaw: 1, uv: swatchUv("tongue", j / segments, i / rings) }),
      );
    }
  }
  const triangles: number[] = [];
  for (let i = 0; i < rings; i++) {
    for (let j = 0; j < segments; j++) {
      const a = i * (segments + 1) + j;
      const b = a + 1;
      const c = a + segments + 1;
      const d = c + 1;
      triangles.push(a, b, c, b, d, c);
    }
  }
  return { vertices, triangles };
}
