/** Streams the first entry matching `pattern` out of a zip file on disk (yauzl). */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import yauzl from "yauzl";

export function extractFirst(
  zipPath: string,
  pattern: RegExp,
  target: string,
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error("cannot open zip"));
      let done = false;
      zip.on("entry", (entry: yauzl.Entry) => {
        if (done || !pattern.test(entry.fileName) || entry.fileName.includes(".."))
          return zip.readEntry();
        done = true;
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error("cannot read zip entry"));
          pipeline(stream as Readable, createWriteStream(target)).then(() => {
            zip.close();
            resolve(entry.fileName);
          }, reject);
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

/** Streams every entry of a zip into `dir` (refusing paths that escape it); returns their names. */
export function extractAll(zipPath: string, dir: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error("cannot open zip"));
      const names: string[] = [];
      zip.on("entry", (entry: yauzl.Entry) => {
        const target = path.resolve(dir, entry.fileName);
        if (!target.startsWith(path.resolve(dir) + path.sep) || entry.fileName.endsWith("/"))
          return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error("cannot read zip entry"));
          mkdir(path.dirname(target), { recursive: true })
            .then(() => pipeline(stream as Readable, createWriteStream(target)))
            .then(() => {
              names.push(entry.fileName);
              zip.readEntry();
            }, reject);
        });
      });
      zip.on("end", () => resolve(names));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}
