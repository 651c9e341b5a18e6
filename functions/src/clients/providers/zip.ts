/**
 * Streams entries out of a provider's zip on disk (yauzl), never more than `maxBytes`
 * unpacked in all (a zip bomb ends in a `too_large` error, not a full disk).
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { MAX_MODEL_BYTES, byteLimit, tooLarge } from "./size-limit";

const WHAT = "The provider's package, unpacked,";

/** The first entry matching `pattern`, streamed to `target`; null when there is none. */
export function extractFirst(
  zipPath: string,
  pattern: RegExp,
  target: string,
  maxBytes = MAX_MODEL_BYTES,
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error("cannot open zip"));
      let done = false;
      zip.on("entry", (entry: yauzl.Entry) => {
        if (done || !pattern.test(entry.fileName) || entry.fileName.includes(".."))
          return zip.readEntry();
        done = true;
        if (entry.uncompressedSize > maxBytes) {
          zip.close();
          return reject(tooLarge(WHAT, maxBytes));
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error("cannot read zip entry"));
          pipeline(
            stream as Readable,
            byteLimit({ left: maxBytes }, WHAT, maxBytes),
            createWriteStream(target),
          ).then(
            () => {
              zip.close();
              resolve(entry.fileName);
            },
            (e2: unknown) => {
              zip.close();
              reject(e2 as Error);
            },
          );
        });
      });
      zip.on("end", () => {
        if (!done) resolve(null);
      });
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

/** Streams every entry into `dir` (refusing paths that escape it); returns their names. */
export function extractAll(
  zipPath: string,
  dir: string,
  maxBytes = MAX_MODEL_BYTES,
): Promise<string[]> {
  const budget = { left: maxBytes };
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error("cannot open zip"));
      const names: string[] = [];
      zip.on("entry", (entry: yauzl.Entry) => {
        const target = path.resolve(dir, entry.fileName);
        if (!target.startsWith(path.resolve(dir) + path.sep) || entry.fileName.endsWith("/"))
          return zip.readEntry();
        // The declared size is checked first; the stream limit holds if it lies.
        if (entry.uncompressedSize > budget.left) {
          zip.close();
          return reject(tooLarge(WHAT, maxBytes));
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error("cannot read zip entry"));
          mkdir(path.dirname(target), { recursive: true })
            .then(() =>
              pipeline(
                stream as Readable,
                byteLimit(budget, WHAT, maxBytes),
                createWriteStream(target),
              ),
            )
            .then(
              () => {
                names.push(entry.fileName);
                zip.readEntry();
              },
              (e2: unknown) => {
                zip.close();
                reject(e2 as Error);
              },
            );
        });
      });
      zip.on("end", () => resolve(names));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}
