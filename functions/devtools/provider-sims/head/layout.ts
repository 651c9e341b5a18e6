/**
 * The simulated head's proportions, in metres, on glTF's axes: +Y up, the face looks
 * along +Z, and the subject's left is +X (ARKit's "Left" shapes move the +X side).
 * The eye line is y = 0. Adult proportions, roughly: the eyes halfway between crown and
 * chin, the face in thirds (hairline → brow → nose base → chin), a face about 1.5 times
 * as tall (hairline to chin) as it is wide (cheek to cheek).
 */

export const CROWN_Y = 0.118;
export const CHIN_Y = -0.113;
export const HAIRLINE_Y = 0.082;
export const NECK_BOTTOM_Y = -0.2;

export const MOUTH = { y: -0.068, halfWidth: 0.025 } as const;

/** The left eye (+X); the right one is its mirror. Opening heights above/below the eye line. */
export const EYE = {
  x: 0.033,
  y: 0,
  inner: 0.0195,
  outer: 0.0465,
  radius: 0.0145,
  openUp: 0.0068,
  openDown: 0.0042,
  /** How far in front of the eyeball the lids sit. */
  lidGap: 0.0012,
} as const;

/** The jaw turns about a hinge in front of the ears and slides forward as it opens. */
export const JAW = { hingeY: -0.012, hingeZ: -0.002, openAngle: 0.3, openSlide: 0.008 } as const;

/** Where a selfie's face goes: cheek to cheek, hairline to chin (see texture rule). */
export const FACE_BOX = { left: -0.065, right: 0.065, top: HAIRLINE_Y, bottom: CHIN_Y } as const;

/** The part of the head the photo covers in front projection (the rest is margin colour). */
export const PHOTO_AREA = { left: -0.085, right: 0.085, top: 0.13, bottom: -0.15 } as const;

/**
 * One horizontal cross-section: half width at the sides (`a`) and towards the front
 * (`chinA`, narrower where the chin stands out in front of the neck), depth to the front
 * and to the back, squareness.
 */
export interface Ring {
  y: number;
  a: number;
  chinA: number;
  front: number;
  back: number;
  n: number;
}

/** Cross-sections from the top of the forehead down the neck (the skull above is a dome). */
export const PROFILE: readonly Ring[] = [
  { y: 0.025, a: 0.074, chinA: 0.074, front: 0.088, back: 0.103, n: 2.3 },
  { y: 0.0, a: 0.073, chinA: 0.073, front: 0.086, back: 0.1, n: 2.3 },
  { y: -0.03, a: 0.071, chinA: 0.071, front: 0.084, back: 0.088, n: 2.2 },
  { y: -0.06, a: 0.066, chinA: 0.066, front: 0.082, back: 0.07, n: 2.0 },
  { y: -0.085, a: 0.06, chinA: 0.054, front: 0.08, back: 0.06, n: 1.9 },
  { y: -0.105, a: 0.055, chinA: 0.04, front: 0.076, back: 0.056, n: 1.9 },
  { y: CHIN_Y, a: 0.052, chinA: 0.03, front: 0.066, back: 0.055, n: 1.9 },
  { y: -0.12, a: 0.049, chinA: 0.038, front: 0.052, back: 0.054, n: 2.0 },
  { y: -0.13, a: 0.046, chinA: 0.046, front: 0.04, back: 0.052, n: 2.0 },
  { y: -0.16, a: 0.047, chinA: 0.047, front: 0.041, back: 0.053, n: 2.0 },
  { y: NECK_BOTTOM_Y, a: 0.05, chinA: 0.05, front: 0.044, back: 0.055, n: 2.0 },
];

export const smoothstep = (e0: number, e1: number, x: number): number => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/** A 2D bump: 1 at (cx, cy), falling off over (sx, sy). */
export const bump = (x: number, y: number, cx: number, cy: number, sx: number, sy: number) =>
  Math.exp(-(((x - cx) / sx) ** 2 + ((y - cy) / sy) ** 2));

/** The cross-section at height y (linear between the profile's rings). */
export function ringAt(y: number): Ring {
  const p = PROFILE;
  if (y >= p[0].y) return { ...p[0], y };
  for (let i = 1; i < p.length; i++) {
    if (y >= p[i].y) {
      const t = (p[i - 1].y - y) / (p[i - 1].y - p[i].y);
      const mix = (k: "a" | "chinA" | "front" | "back" | "n") =>
        p[i - 1][k] + (p[i][k] - p[i - 1][k]) * t;
      return {
        y,
        a: mix("a"),
        chinA: mix("chinA"),
        front: mix("front"),
        back: mix("back"),
        n: mix("n"),
      };
    }
  }
  return { ...p[p.length - 1], y };
}

/** The point of ring `r` at azimuth `phi` (0 = straight ahead, +π/2 = the subject's left). */
export function ringPoint(r: Ring, phi: number): [number, number] {
  const s = Math.sin(phi);
  const c = Math.cos(phi);
  const e = 2 / r.n;
  const depth = c >= 0 ? r.front : r.back;
  const a = c >= 0 ? r.a + (r.chinA - r.a) * c * c : r.a;
  return [a * Math.sign(s) * Math.abs(s) ** e, depth * Math.sign(c) * Math.abs(c) ** e];
}

/** The skull above the forehead: how far up a dome row is (0 top … 1 forehead) → its scale. */
export const DOME_SQUARENESS = 2.5;
export function domeRow(t: number): { y: number; scale: number } {
  const alpha = (Math.PI / 2) * t;
  const e = 2 / DOME_SQUARENESS;
  return {
    y: PROFILE[0].y + (CROWN_Y - PROFILE[0].y) * Math.cos(alpha) ** e,
    scale: Math.sin(alpha) ** e,
  };
}

/** Half the head's width at height y, seen from the front (the photo's silhouette). */
export function silhouetteHalfWidth(y: number): number {
  if (y >= CROWN_Y) return 0;
  if (y <= PROFILE[0].y) return ringAt(y).a;
  const e = DOME_SQUARENESS;
  const h = (y - PROFILE[0].y) / (CROWN_Y - PROFILE[0].y);
  return PROFILE[0].a * (1 - h ** e) ** (1 / e);
}

/** The unfeatured surface's depth at (x, y) on the front, on rows without a chin lobe. */
export function frontDepthAt(x: number, y: number): number {
  const r = ringAt(y);
  const u = Math.min(1, Math.abs(x) / r.a);
  return r.front * (1 - u ** r.n) ** (1 / r.n);
}
