/**
 * The head's texture from a selfie. The face box found in the photo (face-box.ts) is
 * laid onto the head's face box (cheek to cheek, hairline to chin) in front projection,
 * so the photo's eyes, nose and mouth land near the head's. Outside the head's outline,
 * on the margins that the sides and the back of the head map to, and around the face
 * where the photo is neither skin- nor hair-coloured (the background, more than about
 * 60–110 apart in RGB from both), the photo fades into a plain colour: the hair's (the median colour just above the face box) on the
 * upper head, the skin's (the median of the middle of the face) on the neck. The
 * swatches under the photo are painted: mouth, teeth, tongue, eye.
 */
import { ATLAS, MARGIN_U, photoAreaPoint, swatchBox, type Swatch } from "./atlas";
import { findFace, type FaceBox } from "./face-box";
import type { RgbImage } from "./image-io";
import { CROWN_Y, FACE_BOX, silhouetteHalfWidth, smoothstep } from "./layout";

type Rgb = [number, number, number];

/** Bilinear sample of the photo at (x, y) (pixel centres at .5), clamped at its edges, into `out`. */
function sample(img: RgbImage, x: number, y: number, out: Rgb): Rgb {
  const cx = Math.min(img.width - 1, Math.max(0, x - 0.5));
  const cy = Math.min(img.height - 1, Math.max(0, y - 0.5));
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(img.width - 1, x0 + 1);
  const y1 = Math.min(img.height - 1, y0 + 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const d = img.data;
  const [a, b, c, e] = [
    (y0 * img.width + x0) * 3,
    (y0 * img.width + x1) * 3,
    (y1 * img.width + x0) * 3,
    (y1 * img.width + x1) * 3,
  ];
  for (let k = 0; k < 3; k++) {
    const top = d[a + k] + (d[b + k] - d[a + k]) * fx;
    const bottom = d[c + k] + (d[e + k] - d[c + k]) * fx;
    out[k] = top + (bottom - top) * fy;
  }
  return out;
}

/** Channel-wise median of the photo inside a box (clipped to the photo); null when empty. */
function medianIn(
  img: RgbImage,
  left: number,
  top: number,
  right: number,
  bottom: number,
): Rgb | null {
  const ch: number[][] = [[], [], []];
  const [x0, x1] = [Math.max(0, Math.floor(left)), Math.min(img.width, Math.ceil(right))];
  const [y0, y1] = [Math.max(0, Math.floor(top)), Math.min(img.height, Math.ceil(bottom))];
  const step = Math.max(1, Math.floor(Math.min(x1 - x0, y1 - y0) / 24));
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      for (let k = 0; k < 3; k++) ch[k].push(img.data[(y * img.width + x) * 3 + k]);
    }
  }
  if (!ch[0].length) return null;
  return ch.map((c) => c.sort((a, b) => a - b)[c.length >> 1]) as Rgb;
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
];

const distance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

export interface HeadTexture {
  image: RgbImage;
  face: FaceBox;
  skin: Rgb;
  hair: Rgb;
}

export function paintHeadTexture(photo: RgbImage): HeadTexture {
  const face = findFace(photo);
  const skin = medianIn(
    photo,
    face.left + 0.3 * face.width,
    face.top + 0.4 * face.height,
    face.left + 0.7 * face.width,
    face.top + 0.7 * face.height,
  ) ?? [200, 160, 140];
  const hair =
    medianIn(
      photo,
      face.left + 0.2 * face.width,
      face.top - 0.15 * face.height,
      face.left + 0.8 * face.width,
      face.top - 0.01 * face.height,
    ) ?? (skin.map((c) => c * 0.45) as Rgb);
  const image: RgbImage = {
    width: ATLAS.width,
    height: ATLAS.height,
    data: new Uint8Array(ATLAS.width * ATLAS.height * 3),
  };
  const put = (px: number, py: number, c: Rgb) => {
    const o = (py * ATLAS.width + px) * 3;
    for (let k = 0; k < 3; k++) image.data[o + k] = Math.round(Math.min(255, Math.max(0, c[k])));
  };

  const scaleX = face.width / (FACE_BOX.right - FACE_BOX.left);
  const scaleY = face.height / (FACE_BOX.top - FACE_BOX.bottom);
  const c: Rgb = [0, 0, 0];
  for (let py = 0; py < ATLAS.photoHeight; py++) {
    const y = photoAreaPoint(0, py)[1];
    const plain = mix(skin, hair, smoothstep(-0.075, -0.04, y));
    const outline = silhouetteHalfWidth(y);
    const aboveCrown = smoothstep(CROWN_Y - 0.02, CROWN_Y, y);
    const photoY = face.top + (FACE_BOX.top - y) * scaleY;
    for (let px = 0; px < ATLAS.width; px++) {
      const x = photoAreaPoint(px, py)[0];
      const edge = Math.min(px, ATLAS.width - 1 - px) / ATLAS.width;
      sample(photo, face.left + (x - FACE_BOX.left) * scaleX, photoY, c);
      // Around the face, what is neither skin- nor hair-coloured is the background.
      const around = Math.max(smoothstep(0.04, 0.055, Math.abs(x)), smoothstep(-0.085, -0.105, y));
      const background =
        around && around * smoothstep(60, 110, Math.min(distance(c, skin), distance(c, hair)));
      const outside = Math.max(
        smoothstep(outline - 0.01, outline - 0.002, Math.abs(x)),
        aboveCrown,
        1 - smoothstep(MARGIN_U * 2, MARGIN_U * 3, edge),
        background,
      );
      put(px, py, outside ? mix(c, plain, outside) : c);
    }
  }
  for (const s of ["mouth", "teeth", "tongue", "eye"] as Swatch[]) {
    const b = swatchBox(s);
    for (let sy = 0; sy < b.size; sy++) {
      for (let sx = 0; sx < b.size; sx++) {
        const fx = (sx + 0.5 - 4) / (b.size - 8);
        const fy = (sy + 0.5 - 4) / (b.size - 8);
        put(b.left + sx, b.top + sy, swatchColour(s, fx, fy));
      }
    }
  }
  return { image, face, skin, hair };
}

/** The painted parts; (fx, fy) is the position across the swatch, 0..1. */
function swatchColour(s: Swatch, fx: number, fy: number): Rgb {
  switch (s) {
    case "mouth":
      // From the inside of the lips (fy 0) to the dark back of the mouth (fy 1).
      return fy < 0.3
        ? mix([150, 72, 78], [72, 22, 28], fy / 0.3)
        : mix([72, 22, 28], [30, 8, 12], (fy - 0.3) / 0.7);
    case "teeth": {
      if (fy > 0.8) return [185, 100, 105]; // gums
      const gap = Math.abs(((fx * 8 + 0.5) % 1) - 0.5) > 0.46;
      return gap ? [170, 160, 145] : mix([238, 232, 218], [205, 195, 175], fy);
    }
    case "tongue":
      return mix([196, 98, 104], [160, 70, 78], fy);
    case "eye": {
      const r = 2 * Math.hypot(fx - 0.5, fy - 0.5);
      if (r < 0.17) return [14, 10, 10];
      if (r < 0.4) return mix([105, 72, 46], [58, 38, 26], ((r - 0.17) / 0.23) ** 2);
      return mix([238, 234, 228], [200, 188, 184], smoothstep(0.6, 1, r));
    }
  }
}
