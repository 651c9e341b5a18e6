/**
 * The simulators stand in for HeyGen, the providers and Cloud Storage: they follow the
 * providers' documented APIs and nothing else. If one imported the backend's code (a constant, a
 * parser), a wrong value in src/ would be agreed with instead of caught. This walks
 * every import, static or dynamic, from each simulator file, through devtools/, and
 * fails on any path that reaches functions/src/. (eslint's no-restricted-imports in
 * eslint.config.mjs refuses the direct imports while editing.)
 */
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const FUNCTIONS = path.resolve(__dirname, "..", "..");
const SRC = path.join(FUNCTIONS, "src") + path.sep;
const SIMULATOR_DIRS = [
  "devtools/heygen-sim",
  "devtools/provider-sims",
  "devtools/storage-server",
  "devtools/sim-media",
];

function tsFilesIn(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsFilesIn(full);
    return full.endsWith(".ts") ? [full] : [];
  });
}

/** Relative imports of a file, resolved to files (packages are not followed). */
function localImports(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => {
      const base = path.resolve(path.dirname(file), spec);
      const found = [base, `${base}.ts`, path.join(base, "index.ts")].find(
        (p) => existsSync(p) && statSync(p).isFile(),
      );
      return found ?? base;
    });
}

/** Every chain `sim file → … → src file` (empty when the simulators are independent). */
function chainsIntoSrc(roots: string[]): string[] {
  const chains: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string, trail: string[]) => {
    if (file.startsWith(SRC)) {
      chains.push([...trail, file].map((f) => path.relative(FUNCTIONS, f)).join(" → "));
      return;
    }
    if (seen.has(file) || !file.endsWith(".ts")) return;
    seen.add(file);
    for (const next of localImports(file)) visit(next, [...trail, file]);
  };
  for (const root of roots) visit(root, []);
  return chains;
}

describe("the simulators import nothing from src/", () => {
  it("no simulator file reaches functions/src, directly or through devtools/", () => {
    const roots = SIMULATOR_DIRS.flatMap((d) => tsFilesIn(path.join(FUNCTIONS, d)));
    expect(roots.length).to.be.greaterThan(10);
    expect(chainsIntoSrc(roots)).to.deep.equal([]);
  });

  it("the check itself sees an import of src/, also a dynamic one and through devtools/", () => {
    // devtools/demo/run.ts drives the backend's own code on purpose: the walk must see it.
    const demo = path.join(FUNCTIONS, "devtools/demo/run.ts");
    expect(chainsIntoSrc([demo]).join("\n")).to.match(/devtools\/demo\/run\.ts → src\//);
    const start = path.join(FUNCTIONS, "devtools/local-stack/start.ts");
    expect(chainsIntoSrc([start]).some((c) => c.includes("src/services/"))).to.equal(true);
  });
});
