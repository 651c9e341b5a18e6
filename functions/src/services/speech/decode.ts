/**
 * Audio (any format ffmpeg reads) to mono float32 PCM at a chosen rate, streamed: ffmpeg
 * reads the file or the piped stream and writes raw samples, which arrive here as
 * Float32Array chunks while it is still decoding. The input's format is named from its
 * sniffed type, ffmpeg may only read the file or the pipe, and it runs with an empty
 * environment and a deadline, as for every other conversion of a user's file.
 */
import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { ffmpegPath, untrustedInputArgs } from "../media/ffmpeg";
import type { SniffedType } from "../media/sniff";

export interface DecodeOptions {
  sampleRate: number;
  /** Decoding stops after this much audio (a bound on work for any input). */
  maxSeconds: number;
  timeoutMs: number;
}

export const DEFAULT_DECODE: DecodeOptions = {
  sampleRate: 48000,
  maxSeconds: 600,
  timeoutMs: 120000,
};

/** Turns a byte stream of little-endian float32 into whole-sample chunks. */
export class Float32Chunker {
  private rest: Buffer = Buffer.alloc(0);

  push(bytes: Buffer): Float32Array {
    const all = this.rest.length ? Buffer.concat([this.rest, bytes]) : bytes;
    const whole = all.length - (all.length % 4);
    this.rest = Buffer.from(all.subarray(whole));
    const out = new Float32Array(whole / 4);
    for (let i = 0; i < out.length; i++) out[i] = all.readFloatLE(4 * i);
    return out;
  }

  /** Bytes left over that did not make a whole sample (0 for a well-formed stream). */
  get leftover(): number {
    return this.rest.length;
  }
}

/**
 * Decodes `input` (a file path, or a stream of the file's bytes; MP4 needs a path, its
 * index may sit at the end) of sniffed `type`; yields the samples in order.
 */
export async function* decodePcm(
  input: string | Readable,
  type: SniffedType,
  options: DecodeOptions = DEFAULT_DECODE,
): AsyncGenerator<Float32Array> {
  const args = [
    "-hide_banner",
    "-loglevel",
    "error",
    ...untrustedInputArgs(typeof input === "string" ? input : "pipe:0", type),
    "-vn",
    "-ac",
    "1",
    "-ar",
    String(options.sampleRate),
    "-t",
    String(options.maxSeconds),
    "-f",
    "f32le",
    "pipe:1",
  ];
  const child = spawn(ffmpegPath(), args, {
    stdio: [typeof input === "string" ? "ignore" : "pipe", "pipe", "pipe"],
    env: {},
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  // Awaited after the output ends; a spawn failure before then must not go unhandled.
  exited.catch(() => undefined);
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4096);
  });
  if (typeof input !== "string" && child.stdin) {
    // ffmpeg stops reading once it has `maxSeconds`: the rest of the input is not wanted.
    child.stdin.on("error", () => undefined);
    input.on("error", (err) => {
      stderr += `\ninput: ${err.message}`;
      child.kill("SIGKILL");
    });
    input.pipe(child.stdin);
  }
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  const chunker = new Float32Chunker();
  try {
    for await (const bytes of child.stdout as AsyncIterable<Buffer>) {
      const samples = chunker.push(bytes);
      if (samples.length) yield samples;
    }
    const { code, signal } = await exited;
    if (code !== 0) {
      const tail = stderr.trim().split("\n").slice(-3).join(" | ");
      throw new Error(`Audio could not be decoded (${signal ?? code}): ${tail}`);
    }
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    // Past `maxSeconds` (or on an early stop) the rest of the input is never read: release it.
    if (typeof input !== "string") input.destroy();
  }
}
