/**
 * Pictures in and out of the simulators, through the ffmpeg binary of
 * @ffmpeg-installer/ffmpeg: a JPEG or PNG decoded to raw RGB (scaled down to a bounded
 * size), and raw RGB encoded as JPEG or PNG. Everything stays in memory; selfies are small.
 */
import { spawn } from "node:child_process";

export interface RgbImage {
  width: number;
  height: number;
  /** width × height × 3 bytes, row by row from the top. */
  data: Uint8Array;
}

const MAX_INPUT_BYTES = 20 * 1024 * 1024;

function ffmpegBinary(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("@ffmpeg-installer/ffmpeg") as { path: string }).path;
}

/** Runs ffmpeg with `input` on stdin; resolves with stdout and stderr. */
function run(args: string[], input: Uint8Array, timeoutMs = 30000) {
  return new Promise<{ out: Buffer; log: string }>((resolve, reject) => {
    const child = spawn(ffmpegBinary(), ["-hide_banner", "-loglevel", "info", ...args], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let log = "";
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => (log = (log + c.toString()).slice(-16384)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ out: Buffer.concat(out), log });
      else
        reject(
          new Error(`ffmpeg failed (${code}): ${log.trim().split("\n").slice(-2).join(" | ")}`),
        );
    });
    child.stdin.on("error", () => undefined); // ffmpeg may stop reading a bad picture early
    child.stdin.end(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
  });
}

/** Decodes a JPEG or PNG to RGB, scaled down so that its longer side is at most `maxSide`. */
export async function decodeImage(bytes: Uint8Array, maxSide = 1024): Promise<RgbImage> {
  if (bytes.length > MAX_INPUT_BYTES) throw new Error("picture too large");
  const scale = `scale='if(gt(iw,ih),min(${maxSide},iw),-2)':'if(gt(iw,ih),-2,min(${maxSide},ih))'`;
  const { out, log } = await run(
    [
      "-i",
      "pipe:0",
      "-frames:v",
      "1",
      "-vf",
      scale,
      "-f",
      "rawvideo",
      "-pix_fmt",
      "rgb24",
      "pipe:1",
    ],
    bytes,
  );
  const output = log.slice(log.indexOf("Output #0"));
  const size = /rgb24[^\n]*?, (\d+)x(\d+)/.exec(output);
  if (!size) throw new Error("picture size unknown");
  const [width, height] = [Number(size[1]), Number(size[2])];
  if (out.length !== width * height * 3) throw new Error("picture could not be decoded");
  return { width, height, data: new Uint8Array(out) };
}

/** Encodes RGB as a JPEG (quality 2 best … 31 worst) or a PNG. */
export async function encodeImage(img: RgbImage, format: "jpeg" | "png", quality = 4) {
  const codec =
    format === "jpeg"
      ? ["-c:v", "mjpeg", "-q:v", String(quality), "-f", "mjpeg"]
      : ["-c:v", "png", "-f", "image2pipe"];
  const pixFmt = format === "jpeg" ? ["-pix_fmt", "yuvj444p"] : ["-pix_fmt", "rgb24"];
  const { out } = await run(
    [
      ...[
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-s",
        `${img.width}x${img.height}`,
        "-i",
        "pipe:0",
      ],
      ...["-frames:v", "1", ...pixFmt, ...codec, "pipe:1"],
    ],
    img.data,
  );
  return new Uint8Array(out);
}
