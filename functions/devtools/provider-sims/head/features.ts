/**
 * The face's relief on top of the smooth cross-sections: brow ridge, eye sockets, nose
 * with nostrils, cheekbones, lips with a crease between them, chin, temples and ears.
 * Each is a height (metres) pushed out along the surface's horizontal direction.
 */
import { EYE, MOUTH, bump, smoothstep } from "./layout";

/** 1 in the middle of the mouth, falling to 0 just past its corners. */
export function lipProfile(x: number): number {
  const u = Math.abs(x) / (MOUTH.halfWidth + 0.003);
  return u >= 1 ? 0 : (1 - u * u) ** 0.7;
}

function noseHeight(x: number, y: number): number {
  if (y > 0.024 || y < -0.05) return 0;
  const tipY = -0.034;
  const baseY = -0.046;
  let along: number;
  if (y >= tipY) {
    const t = Math.min(1, Math.max(0, (0.012 - y) / (0.012 - tipY)));
    along = (0.004 + 0.02 * t ** 1.4) * smoothstep(0.024, 0.008, y);
  } else {
    const t = Math.min(1, (tipY - y) / (tipY - baseY));
    along = 0.024 * (1 - t ** 1.6);
  }
  const t = Math.min(1, Math.max(0, (0.012 - y) / (0.012 - tipY)));
  const width = 0.0065 + 0.0055 * t;
  const ridge = along * Math.exp(-((x / width) ** 2));
  const wings = 0.0075 * bump(Math.abs(x), y, 0.0125, -0.039, 0.0055, 0.0055);
  return ridge + wings;
}

/** The relief of the face at (x, y); `z` fades it out behind the face. */
export function faceRelief(x: number, y: number, z: number): number {
  const ax = Math.abs(x);
  const front = smoothstep(0.03, 0.06, z);
  if (front === 0) return 0;
  const lips = lipProfile(x);
  const h =
    0.0045 * bump(ax, y, 0.03, 0.021, 0.028, 0.007) + // brow ridge
    0.002 * bump(x, y, 0, 0.016, 0.01, 0.008) + // glabella
    -0.0085 * bump(ax, y, EYE.x, EYE.y + 0.001, 0.016, 0.011) + // eye sockets
    noseHeight(x, y) +
    0.0045 * bump(ax, y, 0.046, -0.024, 0.014, 0.012) + // cheekbones
    -0.002 * bump(ax, y, 0.028, -0.052, 0.004, 0.012) + // the folds beside the mouth
    lips * 0.0055 * bump(0, y, 0, MOUTH.y + 0.0045, 1, 0.0045) + // upper lip
    lips * 0.0065 * bump(0, y, 0, MOUTH.y - 0.006, 1, 0.005) + // lower lip
    lips * -0.0015 * bump(0, y, 0, MOUTH.y, 1, 0.0015) + // the line between the lips
    -0.003 * bump(ax, y, MOUTH.halfWidth, MOUTH.y, 0.004, 0.004) + // mouth corners
    0.006 * bump(x, y, 0, -0.099, 0.017, 0.01) + // chin
    -0.003 * bump(x, y, 0, -0.084, 0.02, 0.004) + // under the lower lip
    -0.003 * bump(ax, y, 0.066, 0.04, 0.012, 0.02); // temples
  return h * front;
}

/** The ears: a ridge on each side in front of the middle of the head, with a hollow. */
export function earRelief(x: number, y: number, z: number): number {
  const side = smoothstep(0.055, 0.068, Math.abs(x));
  if (side === 0) return 0;
  const shell = 0.013 * bump(y, z, -0.012, -0.008, 0.024, 0.011);
  const hollow = -0.004 * bump(y, z, -0.014, -0.004, 0.01, 0.005);
  return (shell + hollow) * side;
}
