/**
 * Preview media of the public catalogue, served by the simulator itself: a portrait per
 * public avatar (`preview_image_url`, a PNG drawn here) and a sample per public voice
 * (`preview_audio` / `preview_audio_url`, spoken by the simulator's text-to-speech).
 * HeyGen serves these from its CDN without an API key; the simulator serves them the
 * same way, on its API host under `/media/previews/`, so a page on the local stack shows
 * real pictures and plays real samples.
 */
import { createHash } from "node:crypto";
import { deflateSync, crc32 } from "node:zlib";
import { PUBLIC_AVATARS, PUBLIC_VOICES } from "./model";
import { synthesizeSpeech } from "./tts";

/** Width and height of a portrait, in pixels (the web client shows it at 96 × 96 CSS pixels). */
export const PORTRAIT_SIZE = 192;

export const previewImagePath = (avatarId: string): string =>
  `/media/previews/avatars/${encodeURIComponent(avatarId)}.png`;
export const previewAudioPath = (voiceId: string): string =>
  `/media/previews/voices/${encodeURIComponent(voiceId)}.mp3`;

type Rgb = [number, number, number];

const SKIN: Rgb[] = [
  [241, 204, 178],
  [224, 172, 138],
  [198, 134, 96],
  [141, 85, 56],
];
const HAIR: Rgb[] = [
  [40, 30, 25],
  [95, 60, 35],
  [170, 120, 70],
  [60, 60, 65],
];

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGB PNG of `size` × `size` pixels whose colour at (x, y) is `pixel(x, y)`. */
export function encodePng(size: number, pixel: (x: number, y: number) => Rgb): Buffer {
  const row = 1 + size * 3;
  const raw = Buffer.alloc(row * size);
  for (let y = 0; y < size; y++) {
    raw[y * row] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const [r, g, b] = pixel(x, y);
      const at = y * row + 1 + x * 3;
      raw[at] = r;
      raw[at + 1] = g;
      raw[at + 2] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter set, not interlaced
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const inEllipse = (x: number, y: number, cx: number, cy: number, rx: number, ry: number) =>
  ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;

/**
 * A head-and-shoulders portrait, the same for the same id: backdrop, clothes, skin and
 * hair colours come from a hash of the id, so the presenters look different.
 */
export function presenterPortrait(avatarId: string): Buffer {
  const h = createHash("sha256").update(avatarId).digest();
  const s = PORTRAIT_SIZE / 192;
  const backdrop: Rgb = [90 + (h[0] % 120), 110 + (h[1] % 110), 140 + (h[2] % 100)];
  const clothes: Rgb = [30 + (h[3] % 160), 30 + (h[4] % 160), 30 + (h[5] % 160)];
  const skin = SKIN[h[6] % SKIN.length];
  const hair = HAIR[h[7] % HAIR.length];
  const eye: Rgb = [35, 35, 40];
  const mouth: Rgb = [160, 75, 75];
  return encodePng(PORTRAIT_SIZE, (px, py) => {
    const x = px / s;
    const y = py / s;
    if (inEllipse(x, y, 84, 78, 5, 4) || inEllipse(x, y, 108, 78, 5, 4)) return eye;
    if (inEllipse(x, y, 96, 101, 10, 3)) return mouth;
    if (inEllipse(x, y, 96, 80, 34, 42)) {
      // Hair above the brow line, the face below it.
      return y < 62 && inEllipse(x, y, 96, 74, 37, 48) ? hair : skin;
    }
    if (inEllipse(x, y, 96, 70, 38, 50) && y < 70) return hair;
    if (x > 84 && x < 108 && y >= 110 && y < 140) return skin; // neck
    if (inEllipse(x, y, 96, 205, 88, 72)) return clothes;
    const shade = 1 - (y / 192) * 0.35;
    return [
      Math.round(backdrop[0] * shade),
      Math.round(backdrop[1] * shade),
      Math.round(backdrop[2] * shade),
    ];
  });
}

/** What a preview request gets: bytes in memory (portraits) or a file on disk (samples). */
export type PreviewReply =
  | { status: 404 }
  | { status: 200; type: string; body: Buffer }
  | { status: 200; type: string; file: string };

/**
 * Looks up `/media/previews/…` paths (no API key, like a CDN): a public avatar's
 * portrait or a public voice's sample, each made once and kept; 404 for anything else.
 */
export function previewLookup(mediaDir: string): (pathname: string) => Promise<PreviewReply> {
  const portraits = new Map<string, Buffer>();
  const samples = new Map<string, Promise<string>>();
  return async (pathname) => {
    const image = /^\/media\/previews\/avatars\/([^/]+)\.png$/.exec(pathname);
    const audio = /^\/media\/previews\/voices\/([^/]+)\.mp3$/.exec(pathname);
    if (image) {
      const id = decodeURIComponent(image[1]);
      if (!PUBLIC_AVATARS.some((a) => a.id === id)) return { status: 404 };
      let png = portraits.get(id);
      if (!png) portraits.set(id, (png = presenterPortrait(id)));
      return { status: 200, type: "image/png", body: png };
    }
    const voice = audio && PUBLIC_VOICES.find((v) => v.voice_id === decodeURIComponent(audio[1]));
    if (!voice) return { status: 404 };
    let file = samples.get(voice.voice_id);
    if (!file) {
      file = synthesizeSpeech(mediaDir, {
        text: `Hello, I am ${voice.name}. This is how I sound.`,
        voiceId: voice.voice_id,
        speed: 1,
        pitch: 0,
        volume: 1,
        locale: null,
      });
      samples.set(voice.voice_id, file);
      // A failed synthesis is tried again on the next request.
      file.catch(() => samples.delete(voice.voice_id));
    }
    return { status: 200, type: "audio/mpeg", file: await file };
  };
}
