/**
 * Streams entries out of a provider's zip on disk (yauzl), never more than `maxBytes`
 * unpacked in all (a zip bomb ends in a `too_large` error, not a full disk), and never
 * outside the target folder: a package with an entry whose name leads out of it (`..`,
 * an absolute path, a drive letter, Windows separators, yauzl's checks included) or
 * names no file (empty, dots only, control characters) is refused as a whole, as is a
 * file that is not a readable zip, with an `upstream` ProviderError naming the problem.
 * Symbolic-link entries are written as plain files (their text), never followed.
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { MAX_MODEL_BYTES, byteLimit, tooLarge } from "./size-limit";
import { ProviderError } from "./types";

const WHAT = "The provider's package, unpacked,";

/** Why an entry named `name` may not be unpacked into a folder, or null when it may. */
export function entryProblem(name: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return "holds a control character";
  if (name.includes("\\")) return "uses Windows separators";
  if (name.startsWith("/") || /^[a-z]:/i.test(name)) return "is an absolute path";
  const segments = name.replace(/\/$/, "").split("/");
  if (segments.includes("..")) return "leaves the folder (..)";
  if (segments.every((s) => s === "" || s === ".")) return "names no file";
  return null;
}

/** A failure while unpacking, as the provider's (a ProviderError passes as it is). */
function packageError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(
    "upstream",
    `The provider's package cannot be unpacked: ${message.slice(0, 200)}`,
  );
}

const outside = (name: string, why: string) =>
  new ProviderError(
    "upstream",
    `The provider's package has an entry that cannot be unpacked: "${name.slice(0, 100)}" ${why}`,
  );

/**
 * Walks the entries of `zipPath` one at a time: `onEntry` decides for each (after the
 * name checks) and calls `next()` for the following one or `finish(value)` to end.
 */
function walkZip<T>(
  zipPath: string,
  atEnd: T,
  onEntry: (
    zip: yauzl.ZipFile,
    entry: yauzl.Entry,
    next: () => void,
    finish: (value: T) => void,
    fail: (err: unknown) => void,
  ) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return reject(packageError(err ?? new Error("cannot open zip")));
      let settled = false;
      const finish = (value: T) => {
        if (settled) return;
        settled = true;
        zip.close();
        resolve(value);
      };
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        zip.close();
        reject(packageError(e));
      };
      zip.on("entry", (entry: yauzl.Entry) => {
        const why = entryProblem(entry.fileName);
        if (why) return fail(outside(entry.fileName, why));
        onEntry(zip, entry, () => zip.readEntry(), finish, fail);
      });
      zip.on("end", () => finish(atEnd));
      zip.on("error", fail);
      zip.readEntry();
    });
  });
}

function copyEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  target: string,
  budget: { left: number },
  maxBytes: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
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
        .then(resolve, reject);
    });
  });
}

/** The first entry matching `pattern`, streamed to `target`; null when there is none. */
export function extractFirst(
  zipPath: string,
  pattern: RegExp,
  target: string,
  maxBytes = MAX_MODEL_BYTES,
): Promise<string | null> {
  return walkZip<string | null>(zipPath, null, (zip, entry, next, finish, fail) => {
    if (!pattern.test(entry.fileName)) return next();
    if (entry.uncompressedSize > maxBytes) return fail(tooLarge(WHAT, maxBytes));
    copyEntry(zip, entry, target, { left: maxBytes }, maxBytes).then(
      () => finish(entry.fileName),
      fail,
    );
  });
}

/** Streams every entry into `dir`; returns their names (folder entries are not listed). */
export function extractAll(
  zipPath: string,
  dir: string,
  maxBytes = MAX_MODEL_BYTES,
): Promise<string[]> {
  const budget = { left: maxBytes };
  const names: string[] = [];
  const root = path.resolve(dir) + path.sep;
  return walkZip(zipPath, names, (zip, entry, next, _finish, fail) => {
    if (entry.fileName.endsWith("/")) return next();
    const target = path.resolve(dir, entry.fileName);
    if (!target.startsWith(root)) return fail(outside(entry.fileName, "leaves the folder"));
    // The declared size is checked first; the stream limit holds if it lies.
    if (entry.uncompressedSize > budget.left) return fail(tooLarge(WHAT, maxBytes));
    copyEntry(zip, entry, target, budget, maxBytes).then(() => {
      names.push(entry.fileName);
      next();
    }, fail);
  });
}
