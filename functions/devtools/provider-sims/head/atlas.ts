/**
 * The head's one texture: the photo area on top (the face in front projection, with
 * hair-coloured margins for the sides and the back), and a strip of small painted
 * swatches under it for the parts a selfie cannot show: mouth, teeth, tongue, eyes.
 */
import { PHOTO_AREA, smoothstep } from "./layout";

export const ATLAS = { width: 512, height: 768, photoHeight: 704, swatch: 64 } as const;

export type Swatch = "mouth" | "teeth" | "tongue" | "eye";
const SWATCH_INDEX: Record<Swatch, number> = { mouth: 0, teeth: 1, tongue: 2, eye: 3 };

/** The swatch's box in pixels: left, top, size. */
export function swatchBox(s: Swatch): { left: number; top: number; size: number } {
  return { left: SWATCH_INDEX[s] * ATLAS.swatch, top: ATLAS.photoHeight, size: ATLAS.swatch };
}

/** UV of a point inside a swatch, (fx, fy) in 0..1 across it (kept off its edges). */
export function swatchUv(s: Swatch, fx: number, fy: number): [number, number] {
  const b = swatchBox(s);
  const inset = 4;
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const px = b.left + inset + clamp(fx) * (b.size - 2 * inset);
  const py = b.top + inset + clamp(fy) * (b.size - 2 * inset);
  return [px / ATLAS.width, py / ATLAS.height];
}

const areaWidth = PHOTO_AREA.right - PHOTO_AREA.left;
const areaHeight = PHOTO_AREA.top - PHOTO_AREA.bottom;
/** The margin columns at either edge of the photo area, painted in the back's colour. */
export const MARGIN_U = 0.015;

/** Front projection of a skin point into the photo area; the back of the head maps to the margins. */
export function skinUv(x: number, y: number, z: number): [number, number] {
  const front = (x - PHOTO_AREA.left) / areaWidth;
  const edge = x >= 0 ? 1 - MARGIN_U : MARGIN_U;
  const behind = smoothstep(0.01, -0.025, z);
  const u = front + (edge - front) * behind;
  const vMax = ATLAS.photoHeight / ATLAS.height;
  const v = ((PHOTO_AREA.top - y) / areaHeight) * vMax;
  return [
    Math.min(1 - MARGIN_U, Math.max(MARGIN_U, u)),
    Math.min(vMax - 0.004, Math.max(0.004, v)),
  ];
}

/** The head point a photo-area pixel shows: the inverse of `skinUv` on the front. */
export function photoAreaPoint(px: number, py: number): [number, number] {
  const x = PHOTO_AREA.left + ((px + 0.5) / ATLAS.width) * areaWidth;
  const y = PHOTO_AREA.top - ((py + 0.5) / ATLAS.photoHeight) * areaHeight;
  return [x, y];
}
