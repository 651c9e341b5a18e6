/**
 * Source comments explain the code in the project's own words. None may send a reader
 * to the team's private reference notes that sit next to the repository (by their file
 * names or folder, by a section sign, as "the fact sheet", or with the notes' certainty
 * labels such as `[C3]`): a reader of the repository has none of them. A public
 * reference such as "RFC 9110 §10.2.3" is fine.
 *
 * Every .ts, .mjs and .rules file under functions/src, functions/devtools,
 * functions/test, web/src and web/test, and the root .rules files, is scanned line by
 * line. This file is the one not scanned, since it has to spell the patterns out.
 */
import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../devtools/repo-root";

const SCANNED_DIRS = [
  "functions/src",
  "functions/devtools",
  "functions/test",
  "web/src",
  "web/test",
];
const SCANNED_EXTENSIONS = [".ts", ".mjs", ".rules"];
/** Named, not taken from __filename: the mutation-testing sandbox runs a copy of it. */
const SELF = "functions/test/unit/no-outside-references.test.ts";

/** What counts as a reference to the private notes, each with the name a failure shows. */
const OUTSIDE_REFERENCES: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  // The seed documents (../shared/seeds) are read by the seed tests on purpose.
  { name: "path to the folder next to the repository", pattern: /\.\.\/shared\b(?!\/seeds)/ },
  { name: "path to the notes' folder", pattern: /shared\/docs/ },
  {
    name: "a note by file name",
    pattern:
      /\b(?:design|heygen-api|heygen-v3|photoreal-providers|browser-lipsync|style|peers|aesthetics-anchors)\.md\b/,
  },
  { name: "a note by name", pattern: /emulators-offline|firebase-storage-web-protocol/ },
  { name: '"fact sheet" or "the sheet"', pattern: /\bfact sheet|\bthe sheet/i },
  { name: "a section sign that is not an RFC's", pattern: /(?<!\bRFC \d+ )§/ },
  { name: "a certainty label of the notes", pattern: /\[(?:C3?|U)\]/ },
];

interface Hit {
  file: string;
  line: number;
  kind: string;
  text: string;
}

function toRepoPath(file: string): string {
  return path.relative(REPO_ROOT, file).split(path.sep).join("/");
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    // node_modules, and copies such as the mutation-testing sandbox (.stryker-tmp).
    if (name === "node_modules" || name.startsWith(".")) return [];
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return filesUnder(full);
    return SCANNED_EXTENSIONS.some((ext) => name.endsWith(ext)) ? [full] : [];
  });
}

function scannedFiles(): string[] {
  const rootRules = readdirSync(REPO_ROOT)
    .filter((name) => name.endsWith(".rules"))
    .map((name) => path.join(REPO_ROOT, name));
  const nested = SCANNED_DIRS.flatMap((dir) => filesUnder(path.join(REPO_ROOT, dir)));
  return [...rootRules, ...nested].map(toRepoPath).filter((file) => file !== SELF);
}

/** Every line of `text` that refers to the notes, one hit per line (its first kind). */
function outsideReferences(file: string, text: string): Hit[] {
  return text.split("\n").flatMap((lineText, index) => {
    const found = OUTSIDE_REFERENCES.find(({ pattern }) => pattern.test(lineText));
    if (!found) return [];
    return [{ file, line: index + 1, kind: found.name, text: lineText.trim() }];
  });
}

const show = (h: Hit) => `${h.file}:${h.line}: ${h.kind}: ${h.text}`;

describe("source comments cite no files outside the repository", () => {
  const files = scannedFiles();
  const hits = files.flatMap((file) =>
    outsideReferences(file, readFileSync(path.join(REPO_ROOT, file), "utf8")),
  );

  it("scans the backend, its tools and tests, the web client and its tests, and the rules", () => {
    const places = [...SCANNED_DIRS.map((d) => `${d}/`), "firestore.rules", "storage.rules"];
    const missing = places.filter((place) => !files.some((f) => f.startsWith(place)));
    expect(missing).to.deep.equal([]);
    expect(statSync(path.join(REPO_ROOT, SELF)).isFile(), SELF).to.equal(true);
    expect(files).to.not.include(SELF);
    expect(files.some((f) => f.includes("node_modules/"))).to.equal(false);
  });

  it("no file refers to the notes (file:line listed)", () => {
    const found = hits.map(show);
    expect(found, found.join("\n")).to.deep.equal([]);
  });

  it("the check finds each kind of reference, and lets a public RFC section through", () => {
    const cited = [
      "// see ../shared/notes/x",
      "/** Facts: shared/docs/x.md. */",
      " * (heygen-api.md: upload)",
      " * as in photoreal-providers.md",
      " * (emulators-offline)",
      " * as the Fact Sheet says",
      " * ([U] in the sheet)",
      " * (see §6)",
      " * read both [C3];",
      " * confirmed [C].",
      " * unknown [U].",
    ];
    const found = outsideReferences("x.ts", cited.join("\n"));
    expect(found.map((h) => h.line)).to.deep.equal(cited.map((_, i) => i + 1));
    expect(new Set(found.map((h) => h.kind)).size).to.equal(OUTSIDE_REFERENCES.length);
    expect(show(found[0]!)).to.match(/^x\.ts:1: path to the folder next to the repository: /);

    const fine = [
      " * Retry-After (RFC 9110 §10.2.3): delta-seconds",
      " * HeyGen's API reference, Create Avatar Video (V2)",
      " * lifestyle.md, a spreadsheet, items[C1], the docs/ folder",
      'const shared = "./shared/x";',
      " * the seed documents, ../shared/seeds/ next to the repository",
    ];
    expect(outsideReferences("y.ts", fine.join("\n"))).to.deep.equal([]);
  });
});
