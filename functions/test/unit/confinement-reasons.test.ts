/**
 * The path confinement checks of a provider's package (src/clients/providers/zip.ts
 * `entryProblem`, gltf-package.ts `uriEscape` / `assertUrisInPackage`) name the reason
 * of each refusal: a reason is what the error shows, and an empty one would let the entry
 * through. The names refused and accepted as a whole are in package-confinement.test.ts.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { assertUrisInPackage, uriEscape } from "../../src/clients/providers/gltf-package";
import { ProviderError } from "../../src/clients/providers/types";
import { entryProblem } from "../../src/clients/providers/zip";

describe("entryProblem names why a zip entry is refused", () => {
  it("each kind of name has its reason", () => {
    expect(entryProblem("a\u0001b.bin")).to.equal("holds a control character");
    expect(entryProblem("a\\b.bin")).to.equal("uses Windows separators");
    expect(entryProblem("/tmp/x.bin")).to.equal("is an absolute path");
    expect(entryProblem("c:/x.bin")).to.equal("is an absolute path");
    expect(entryProblem("a/../../x.bin")).to.equal("leaves the folder (..)");
    expect(entryProblem("a/..")).to.equal("leaves the folder (..)");
    expect(entryProblem("./")).to.equal("names no file");
    expect(entryProblem("./.")).to.equal("names no file");
  });

  it("a folder entry names its folder; a colon inside a name is no drive letter", () => {
    expect(entryProblem("textures/")).to.equal(null);
    expect(entryProblem("textures/c:olor.png")).to.equal(null);
  });
});

describe("uriEscape names why a glTF URI is refused", () => {
  it("another host, not an absolute path, for a scheme-relative URI", () => {
    expect(uriEscape("//evil.example/x.bin", "/p", "/p")).to.equal(
      "points to another host or scheme",
    );
    expect(uriEscape("/etc/hostname", "/p", "/p")).to.equal("is an absolute path");
  });

  it("a colon inside a file name is no scheme; a trailing slash is no absolute path", () => {
    expect(uriEscape("textures/c:olor.png", "/p", "/p")).to.equal(null);
    expect(uriEscape("textures/", "/p", "/p")).to.equal(null);
  });

  it("a URI resolved outside the package is refused even without `..` (a glTF outside it)", () => {
    expect(uriEscape("model.bin", "/elsewhere", "/p")).to.equal("leaves the package");
    // A sibling folder whose name starts like the package's is outside it too.
    expect(uriEscape("model.bin", "/p-other", "/p")).to.equal("leaves the package");
  });
});

describe("assertUrisInPackage's errors", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "masky-confinement-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function refusal(gltfText: string): Promise<ProviderError> {
    const gltf = path.join(dir, "model.gltf");
    writeFileSync(gltf, gltfText);
    const err = await assertUrisInPackage(gltf, dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ProviderError);
    return err as ProviderError;
  }

  it("a file that is not glTF JSON is named so", async () => {
    const err = await refusal("{ not json");
    expect(err.kind).to.equal("upstream");
    expect(err.message).to.equal("The provider's glTF file is not valid glTF JSON");
  });

  it("names the URI outside the package, cut to 100 characters, and why", async () => {
    const uri = `/${"a".repeat(300)}.bin`;
    const err = await refusal(JSON.stringify({ buffers: [{ uri }] }));
    expect(err.message).to.equal(
      `The provider's glTF package refers to a file outside it: "${uri.slice(0, 100)}" is an absolute path`,
    );
  });
});
