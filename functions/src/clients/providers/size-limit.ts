/**
 * A provider's files land on the function's disk, which on Cloud Functions is memory
 * (/tmp counts against the instance's memory): downloads and unpacked packages stop
 * at a limit instead of filling it. Avatar GLBs are a few to tens of MB.
 */
import { Transform } from "node:stream";
import { ProviderError } from "./types";

export const MAX_MODEL_BYTES = 150 * 1024 * 1024;

export function tooLarge(what: string, maxBytes: number): ProviderError {
  return new ProviderError(
    "too_large",
    `${what} is larger than ${Math.round(maxBytes / (1024 * 1024))} MB`,
  );
}

/** A pass-through stream that fails once more than `budget.left` bytes went through it. */
export function byteLimit(budget: { left: number }, what: string, maxBytes: number): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      budget.left -= chunk.length;
      if (budget.left < 0) done(tooLarge(what, maxBytes));
      else done(null, chunk);
    },
  });
}
