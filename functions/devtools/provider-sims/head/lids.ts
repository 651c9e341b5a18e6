/**
 * The eyelids. The skin is cut along the eye line between the eye corners; the rows
 * above that cut are lifted (upper lid) and the rows below lowered (lower lid) into an
 * almond opening, and the lids hug the eyeball just in front of it. A lid state closes,
 * widens or shifts that opening: a blink brings both rims to a line a little below the
 * eye line (the upper lid travels most), as real lids do.
 */
import { EYE, frontDepthAt, smoothstep } from "./layout";

export interface LidState {
  /** 0 open, 1 closed on the blink line, negative = wider. */
  upperClose: number;
  lowerClose: number;
  /** Extra lift (metres at the lid's middle) of each rim, e.g. following the gaze. */
  upperLift: number;
  lowerLift: number;
  /** Sideways shift (metres) of the lids, following the gaze. */
  sideShift: number;
}

export const LIDS_OPEN: LidState = {
  upperClose: 0,
  lowerClose: 0,
  upperLift: 0,
  lowerLift: 0,
  sideShift: 0,
};

/** Only the front of the head has eyes (the back of the head shares their x and y). */
export const onEyeSide = (z: number) => z > 0.03;

/** Where across the eye x is: 0 at the inner corner, 1 at the outer one; null outside. */
export function acrossEye(x: number): number | null {
  const t = (Math.abs(x) - EYE.inner) / (EYE.outer - EYE.inner);
  return t > 0 && t < 1 ? t : null;
}

/** The upper rim's height profile (peak a little towards the nose) and the lower one's. */
const upperProfile = (t: number) => Math.sin(Math.PI * t ** 0.9) ** 0.75;
const lowerProfile = (t: number) => Math.sin(Math.PI * t ** 1.1) ** 0.8;

/** How much of a rim's movement a row at `rowY` takes (the lid skin stretches). */
const upperFollow = (rowY: number) => Math.max(0, 1 - rowY / 0.017);
const lowerFollow = (rowY: number) => Math.max(0, 1 + rowY / 0.015);

/**
 * The lid's offset of a skin point, before the hug: [dx, dy]. `rowY` is the point's
 * height before the opening; `lid` says which rim a point on the cut belongs to.
 */
export function lidOffset(
  x: number,
  rowY: number,
  lid: "upper" | "lower" | null,
  st: LidState,
): [number, number] {
  const t = acrossEye(x);
  if (t === null) return [0, 0];
  const up = upperProfile(t);
  const down = lowerProfile(t);
  const closeLine = -EYE.openDown * down * 0.5;
  const isUpper = rowY > 0 || (rowY === 0 && lid === "upper");
  const isLower = rowY < 0 || (rowY === 0 && lid === "lower");
  if (isUpper && rowY < 0.017) {
    const rim = EYE.openUp * up;
    const posed = rim + st.upperClose * (closeLine - rim) + st.upperLift * up;
    const f = upperFollow(rowY);
    return [st.sideShift * up * f, posed * f];
  }
  if (isLower && rowY > -0.015) {
    const rim = -EYE.openDown * down;
    const posed = rim + st.lowerClose * (closeLine - rim) + st.lowerLift * down;
    const f = lowerFollow(rowY);
    return [st.sideShift * down * f, posed * f];
  }
  return [0, 0];
}

/** The eyeball centre of the eye on x's side. */
export function eyeCentre(side: 1 | -1): [number, number, number] {
  const z = frontDepthAt(EYE.x, EYE.y) - 0.003 - EYE.radius;
  return [side * EYE.x, EYE.y, z];
}

/** The lids lie on the eyeball (plus a small gap) wherever the skin would sink behind it. */
export function hugZ(x: number, y: number, z: number): number {
  const [cx, cy, cz] = eyeCentre(x >= 0 ? 1 : -1);
  const d2 = (x - cx) ** 2 + (y - cy) ** 2;
  const r2 = EYE.radius ** 2;
  if (d2 >= r2) return z;
  // Only near the opening: the brow and cheek keep their own shape.
  const near = 1 - smoothstep(0.012, 0.02, Math.abs(y - cy));
  const onBall = cz + Math.sqrt(r2 - d2) + EYE.lidGap;
  return near > 0 ? Math.max(z, z + (onBall - z) * near) : z;
}
