/**
 * Where the face most likely is in a selfie: the skin-tone box, else the centre crop.
 *
 * Skin tone: on a copy at most 128 pixels across, a pixel is skin when its YCbCr colour
 * is in the usual skin range (Y > 50, 77 ≤ Cb ≤ 127, 135 ≤ Cr ≤ 173) and red is its
 * strongest channel. The largest connected patch of skin is the face (with the neck,
 * often). Its width is the face's width (cheek to cheek): the 90th percentile of the
 * patch's row widths over its upper 60 %, which the neck below and stray hair tips
 * above do not reach; its top is the hairline; the face is 1.5 times as tall as wide.
 * The patch counts only when it is at least 2 % of the picture, 12–95 % of its width,
 * and fills at least 35 % of the box. Otherwise the face is taken to be in the middle:
 * 45 % of the shorter side wide, 1.5 times as tall, centred at 47 % of the height.
 *
 * Then the eyes set the height: in the band 34–56 % down the box, beside its middle
 * (10–40 % of its width to each side), the rows with the most dark pixels (darker than
 * 70 % of the face's median brightness: lashes, irises) are the eye line, and the box is
 * moved so that the eye line lies 41 % down it, where the head's eyes are (a little above
 * their middle, as the upper lashes pull the dark rows up).
 */
import type { RgbImage } from "./image-io";

export interface FaceBox {
  left: number;
  top: number;
  width: number;
  height: number;
  /** How the box was found. */
  rule: "skin" | "centre";
}

const FACE_ASPECT = 1.5;
/** How far down the face box (hairline to chin) the eye line is on the head. */
export const EYE_LINE = 0.41;

const luma = (img: RgbImage, x: number, y: number) => {
  const o = (Math.round(y) * img.width + Math.round(x)) * 3;
  return 0.299 * img.data[o] + 0.587 * img.data[o + 1] + 0.114 * img.data[o + 2];
};

/** The box moved up or down so that the darkest rows beside its middle are its eye line. */
function alignEyes(img: RgbImage, box: FaceBox): FaceBox {
  const cx = box.left + box.width / 2;
  const inPhoto = (x: number, y: number) => x >= 0 && y >= 0 && x < img.width && y < img.height;
  const middle: number[] = [];
  for (let y = box.top + 0.4 * box.height; y < box.top + 0.7 * box.height; y += 2)
    for (let x = cx - 0.2 * box.width; x < cx + 0.2 * box.width; x += 2)
      if (inPhoto(x, y)) middle.push(luma(img, x, y));
  if (middle.length < 16) return box;
  const dark = 0.7 * middle.sort((a, b) => a - b)[middle.length >> 1];
  const rows: [number, number][] = [];
  const step = Math.max(1, box.width / 120);
  for (let y = box.top + 0.34 * box.height; y < box.top + 0.56 * box.height; y += step) {
    let count = 0;
    for (let f = 0.1; f <= 0.4; f += 0.3 / 40)
      for (const x of [cx - f * box.width, cx + f * box.width])
        if (inPhoto(x, y) && luma(img, x, y) < dark) count++;
    rows.push([y, count]);
  }
  const most = Math.max(...rows.map(([, c]) => c));
  if (most < 4) return box;
  let sum = 0;
  let weight = 0;
  for (const [y, c] of rows) {
    if (c < 0.3 * most) continue;
    sum += y * c;
    weight += c;
  }
  return { ...box, top: sum / weight - EYE_LINE * box.height };
}

function isSkin(r: number, g: number, b: number): boolean {
  const y = 0.299 * r + 0.587 * g + 0.114 * b;
  const cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
  const cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
  return y > 50 && cb >= 77 && cb <= 127 && cr >= 135 && cr <= 173 && r > g && r > b;
}

/** The largest 4-connected patch of `mask` (w × h), as a list of cell indices. */
function largestPatch(mask: Uint8Array, w: number, h: number): number[] {
  const seen = new Uint8Array(mask.length);
  let best: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    const patch: number[] = [];
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop() as number;
      patch.push(i);
      const x = i % w;
      const y = (i - x) / w;
      for (const [nx, ny] of [
        [x - 1, y],
        [x + 1, y],
        [x, y - 1],
        [x, y + 1],
      ]) {
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const j = ny * w + nx;
        if (mask[j] && !seen[j]) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    if (patch.length > best.length) best = patch;
  }
  return best;
}

export function centreBox(img: RgbImage): FaceBox {
  const width = 0.45 * Math.min(img.width, img.height);
  const height = width * FACE_ASPECT;
  return {
    left: (img.width - width) / 2,
    top: 0.47 * img.height - height / 2,
    width,
    height,
    rule: "centre",
  };
}

export function findFace(img: RgbImage): FaceBox {
  return alignEyes(img, skinBox(img));
}

function skinBox(img: RgbImage): FaceBox {
  const step = Math.max(1, Math.ceil(Math.max(img.width, img.height) / 128));
  const w = Math.floor(img.width / step);
  const h = Math.floor(img.height / step);
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * step * img.width + x * step) * 3;
      mask[y * w + x] = isSkin(img.data[o], img.data[o + 1], img.data[o + 2]) ? 1 : 0;
    }
  }
  const patch = largestPatch(mask, w, h);
  if (patch.length < 0.02 * w * h) return centreBox(img);
  const rows = new Map<number, [number, number]>();
  for (const i of patch) {
    const x = i % w;
    const y = (i - x) / w;
    const r = rows.get(y) ?? [x, x];
    rows.set(y, [Math.min(r[0], x), Math.max(r[1], x)]);
  }
  const ys = [...rows.keys()].sort((a, b) => a - b);
  const top = ys[0];
  const upper = ys.filter((y) => y <= top + 0.6 * (ys[ys.length - 1] - top));
  const widths = upper
    .map((y) => (rows.get(y) as [number, number])[1] - (rows.get(y) as [number, number])[0] + 1)
    .sort((a, b) => a - b);
  const width = widths[Math.floor(0.9 * (widths.length - 1))];
  const centres = upper
    .map((y) => ((rows.get(y) as [number, number])[0] + (rows.get(y) as [number, number])[1]) / 2)
    .sort((a, b) => a - b);
  const cx = centres[Math.floor(centres.length / 2)] + 0.5;
  const height = width * FACE_ASPECT;
  if (width < 0.12 * w || width > 0.95 * w) return centreBox(img);
  let inside = 0;
  for (const i of patch) {
    const x = i % w;
    const y = (i - x) / w;
    if (Math.abs(x + 0.5 - cx) <= width / 2 && y >= top && y < top + height) inside++;
  }
  if (inside < 0.35 * width * height) return centreBox(img);
  return {
    left: (cx - width / 2) * step,
    top: top * step,
    width: width * step,
    height: height * step,
    rule: "skin",
  };
}
