/**
 * A painted selfie for the local stack and the tests (nothing is downloaded and no real
 * person is pictured): a face with skin shading, hair, brows, eyes, nose, lips, a neck
 * and a shirt, in front of a plain wall, drawn with the same proportions as the head, so
 * the face-box rule puts its features on the head's features. The in3D simulator also
 * uses it as the face of a scan made without a picture.
 */
import { encodeImage, type RgbImage } from "./image-io";
import { EYE, FACE_BOX, MOUTH, bump, smoothstep } from "./layout";

type Rgb = [number, number, number];
const W = 480;
const H = 640;
/** Pixels per metre, and where the face box sits: cheek to cheek 200 px, 1.5 times as tall. */
const SCALE = 200 / (FACE_BOX.right - FACE_BOX.left);
const CX = W / 2;
const TOP = 150;

/** Where the painted face is (pixels): cheek to cheek, hairline to chin. */
export const PORTRAIT_FACE = {
  left: CX + FACE_BOX.left * SCALE,
  top: TOP,
  width: (FACE_BOX.right - FACE_BOX.left) * SCALE,
  height: (FACE_BOX.top - FACE_BOX.bottom) * SCALE,
} as const;

const mix = (a: Rgb, b: Rgb, t: number): Rgb => {
  const k = Math.min(1, Math.max(0, t));
  return [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k, a[2] + (b[2] - a[2]) * k];
};

/** Half the face's width at height y (metres), cheek to cheek at the cheekbones. */
function faceHalfWidth(y: number): number {
  const keys: [number, number][] = [
    [0.086, 0],
    [0.082, 0.045],
    [0.07, 0.058],
    [0.04, 0.063],
    [-0.02, 0.066],
    [-0.06, 0.06],
    [-0.09, 0.048],
    [-0.108, 0.028],
    [-0.116, 0],
  ];
  if (y >= keys[0][0] || y <= keys[keys.length - 1][0]) return 0;
  for (let i = 1; i < keys.length; i++) {
    if (y >= keys[i][0]) {
      const t = (keys[i - 1][0] - y) / (keys[i - 1][0] - keys[i][0]);
      return keys[i - 1][1] + (keys[i][1] - keys[i - 1][1]) * t;
    }
  }
  return 0;
}

/** The painted colour at a point of the face plane (metres, eye line y = 0). */
function colourAt(x: number, y: number): Rgb {
  const ax = Math.abs(x);
  const wall = mix([214, 221, 230], [176, 186, 200], (y + 0.2) / -0.25);
  const shirt: Rgb = [38, 70, 82];
  const skin: Rgb = [226, 174, 142];
  const hair: Rgb = [58, 38, 28];
  const neckHalf = 0.046;
  const hw = faceHalfWidth(y);
  const inFace = ax < hw;
  // Hair: a cap over the crown and down the sides of the face to the jaw.
  const crown = ((x / 0.088) ** 2 + ((y - 0.03) / 0.112) ** 2) ** 0.5;
  const inHair = !inFace && crown < 1 && y > -0.07;
  if (y < -0.16 && ax < 0.16 - (y + 0.16) * -0.6) return mix(shirt, [28, 52, 62], ax / 0.2);
  if (inHair) return mix(hair, [40, 26, 20], crown);
  if (!inFace) {
    if (ax < neckHalf && y < -0.08)
      return mix(skin, [150, 105, 85], 0.35 + 0.4 * (ax / neckHalf) ** 2);
    return wall;
  }
  // Skin with soft shading: darker towards the edge of the face and under the brows.
  let c = mix(skin, [170, 118, 96], (ax / hw) ** 3);
  c = mix(c, [238, 196, 170], bump(x, y, 0, -0.005, 0.01, 0.04) * 0.5); // lit nose bridge
  c = mix(c, [176, 120, 100], bump(ax, y, EYE.x, 0.006, 0.018, 0.01) * 0.5); // eye sockets
  c = mix(c, [222, 150, 135], bump(ax, y, 0.045, -0.035, 0.014, 0.012) * 0.35); // cheeks
  c = mix(c, [160, 108, 90], bump(ax, y, 0.011, -0.024, 0.004, 0.012) * 0.5); // sides of the nose
  c = mix(c, [150, 96, 80], bump(ax, y, 0.0125, -0.041, 0.0045, 0.003) * 0.8); // nostrils
  c = mix(c, [180, 124, 104], bump(x, y, 0, -0.049, 0.012, 0.003) * 0.6); // under the nose
  c = mix(c, [176, 120, 100], bump(x, y, 0, -0.085, 0.018, 0.004) * 0.5); // under the lip
  // Brows.
  const browY = 0.021 + 0.004 * Math.sin(Math.PI * Math.min(1, Math.max(0, (ax - 0.012) / 0.04)));
  if (ax > 0.012 && ax < 0.053 && Math.abs(y - browY) < 0.0028) c = mix(c, [62, 40, 30], 0.9);
  // Lips: the upper a little darker, a dark line between them.
  const lip = Math.max(0, 1 - (ax / (MOUTH.halfWidth + 0.001)) ** 2);
  const dy = y - MOUTH.y;
  if (lip > 0 && dy > 0 && dy < 0.0075 * lip ** 0.5 + 0.001) c = mix(c, [176, 84, 88], 0.85);
  if (lip > 0 && dy < 0 && -dy < 0.0095 * lip ** 0.5 + 0.001) c = mix(c, [198, 104, 104], 0.85);
  if (lip > 0 && Math.abs(dy) < 0.0009) c = mix(c, [140, 66, 70], 0.9);
  return eye(x, y) ?? c;
}

/** The eye's white, iris, pupil and lash line, in the almond the head's lids open. */
function eye(x: number, y: number): Rgb | null {
  const t = (Math.abs(x) - EYE.inner) / (EYE.outer - EYE.inner);
  if (t <= 0 || t >= 1) return null;
  const up = EYE.openUp * Math.sin(Math.PI * t ** 0.9) ** 0.75;
  const down = -EYE.openDown * Math.sin(Math.PI * t ** 1.1) ** 0.8;
  if (y > up + 0.0016 || y < down - 0.0008) return null;
  if (y > up - 0.0004) return [40, 26, 22]; // upper lash line
  if (y < down + 0.0003) return [120, 80, 70];
  const r = Math.hypot(Math.abs(x) - EYE.x, y - 0.0005);
  if (r < 0.0024) return [16, 12, 12];
  if (r < 0.0058) return mix([112, 76, 48], [60, 40, 28], (r - 0.0024) / 0.0034);
  return mix(
    [240, 236, 230],
    [205, 192, 186],
    smoothstep(0.006, 0.013, Math.abs(Math.abs(x) - EYE.x)),
  );
}

export function paintPortrait(): RgbImage {
  const data = new Uint8Array(W * H * 3);
  for (let py = 0; py < H; py++) {
    for (let px = 0; px < W; px++) {
      const x = (px + 0.5 - CX) / SCALE;
      const y = FACE_BOX.top - (py + 0.5 - TOP) / SCALE;
      data.set(colourAt(x, y).map(Math.round), (py * W + px) * 3);
    }
  }
  return { width: W, height: H, data };
}

let jpeg: Promise<Uint8Array> | null = null;
/** The painted selfie as a JPEG (made once). */
export function portraitJpeg(): Promise<Uint8Array> {
  jpeg ??= encodeImage(paintPortrait(), "jpeg", 3);
  return jpeg;
}
