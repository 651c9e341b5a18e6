/**
 * A provider's package stays inside its folder: every kind of zip entry name and every
 * kind of glTF URI (buffers and images) that could reach a file outside it is refused,
 * with a non-retryable-looking, named `upstream` error, and nothing is written or read
 * outside the folder. The zips are written byte by byte here, since zip writers refuse
 * to produce such names.
 */
import { expect } from "chai";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { crc32 } from "node:zlib";
import { entryProblem, extractAll, extractFirst } from "../../src/clients/providers/zip";
import { assertUrisInPackage, uriEscape } from "../../src/clients/providers/gltf-package";
import { ProviderError } from "../../src/clients/providers/types";

interface RawEntry {
  /** The name as stored (bytes, so a test can store what writers refuse). */
  name: string | Buffer;
  data?: Buffer;
  /** Info-ZIP Unicode Path extra field: the name readers are told to use instead. */
  unicodeName?: string;
  /** Stored as a Unix symbolic link (its data is the link target). */
  symlink?: boolean;
}

/** A zip of stored (uncompressed) entries, exactly as given. */
function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === "string" ? Buffer.from(e.name, "utf8") : e.name;
    const data = e.data ?? Buffer.from("x");
    let extra = Buffer.alloc(0);
    if (e.unicodeName !== undefined) {
      const unicode = Buffer.from(e.unicodeName, "utf8");
      const body = Buffer.alloc(5 + unicode.length);
      body.writeUInt8(1, 0);
      body.writeUInt32LE(crc32(name), 1);
      unicode.copy(body, 5);
      const head = Buffer.alloc(4);
      head.writeUInt16LE(0x7075, 0);
      head.writeUInt16LE(body.length, 2);
      extra = Buffer.concat([head, body]);
    }
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // UTF-8 names
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.symlink ? 0x0314 : 20, 4); // made by Unix (symlink modes are Unix's)
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(e.symlink ? (0o120777 << 16) >>> 0 : 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, extra, data);
    centrals.push(central, name, extra);
    offset += local.length + name.length + extra.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const root = mkdtempSync(path.join(os.tmpdir(), "masky-confine-"));
let n = 0;

/** A fresh work folder: `<root>/<n>/` holding the zip, the `package/` target and a sibling. */
function workDir(): { dir: string; target: string; sibling: string } {
  const dir = path.join(root, String(++n));
  mkdirSync(path.join(dir, "sibling"), { recursive: true });
  return { dir, target: path.join(dir, "package"), sibling: path.join(dir, "sibling") };
}

function zipFile(dir: string, entries: RawEntry[]): string {
  const file = path.join(dir, "package.zip");
  writeFileSync(file, rawZip(entries));
  return file;
}

/** Every file under `dir`, relative, recursively. */
const filesUnder = (dir: string): string[] =>
  existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).sort() : [];

async function refusal(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, "refused").to.be.instanceOf(ProviderError);
  expect((err as ProviderError).kind).to.equal("upstream");
  return err as ProviderError;
}

/** Entry names that lead out of the folder, however they are spelled. */
const ESCAPING_NAMES: [string, string | Buffer, Partial<RawEntry>?][] = [
  ["parent", "../evil.bin"],
  ["parent, deeper", "a/b/../../../evil.bin"],
  ["parent at the end", "a/.."],
  ["absolute", "/tmp/evil.bin"],
  ["absolute, doubled slash", "//evil.bin"],
  ["Windows separators", "..\\evil.bin"],
  ["Windows separators, mixed", "a\\..\\..\\evil.bin"],
  ["drive letter", "C:\\evil.bin"],
  ["drive letter, forward slash", "c:/evil.bin"],
  ["drive-relative", "C:evil.bin"],
  ["Unicode Path field naming the parent", "innocent.bin", { unicodeName: "../evil.bin" }],
];

/** Names that do not lead out but name no file of their own: refused as well. */
const NAMELESS: [string, string | Buffer][] = [
  ["empty", ""],
  ["dot", "."],
  ["dot segments only", "./."],
  ["a NUL byte", Buffer.from("a\0.bin", "latin1")],
  ["a control character", "a\u0001b.bin"],
];

describe("provider packages: zip entries stay inside the folder", () => {
  describe("entryProblem (each name alone)", () => {
    for (const [what, name, extra] of [...ESCAPING_NAMES, ...NAMELESS]) {
      // Names given as bytes or through an extra field are checked once decoded (below).
      if (typeof name !== "string" || extra) continue;
      it(`refuses ${what}: ${JSON.stringify(name)}`, () => {
        expect(entryProblem(name)).to.be.a("string");
      });
    }
    for (const ok of [
      "model.gltf",
      "a/b/c.bin",
      "a/./b.bin",
      "a//b.bin",
      "x..y.glb",
      "..a.bin",
      "%2e%2e/x.bin",
      "a b.png",
    ]) {
      it(`accepts ${JSON.stringify(ok)}`, () => {
        expect(entryProblem(ok)).to.equal(null);
      });
    }
  });

  for (const [what, name, extra] of [...ESCAPING_NAMES, ...NAMELESS]) {
    it(`extractAll refuses the package with an entry named ${what}, writing nothing outside`, async () => {
      const { dir, target, sibling } = workDir();
      const zip = zipFile(dir, [
        { name: "model.gltf", data: Buffer.from("{}") },
        { name, ...extra },
      ]);
      const err = await refusal(extractAll(zip, target));
      expect(err.message).to.match(/provider's package/);
      expect(filesUnder(sibling)).to.deep.equal([]);
      expect(filesUnder(root).filter((f) => /evil/.test(f))).to.deep.equal([]);
      expect(existsSync(path.join(os.tmpdir(), "evil.bin"))).to.equal(false);
    });

    it(`extractFirst refuses the package with an entry named ${what}`, async () => {
      const { dir } = workDir();
      const zip = zipFile(dir, [{ name, ...extra }, { name: "model.glb" }]);
      await refusal(extractFirst(zip, /\.glb$/i, path.join(dir, "model.glb")));
    });
  }

  it("unpacks ordinary names (dot segments, doubled slashes, dots inside names) where they say", async () => {
    const { dir, target } = workDir();
    const zip = zipFile(dir, [
      { name: "model.gltf", data: Buffer.from("{}") },
      { name: "textures/" },
      { name: "textures/./face.png" },
      { name: "a//b.bin" },
      { name: "x..y.bin" },
      { name: "%2e%2e/z.bin" },
    ]);
    expect(await extractAll(zip, target)).to.deep.equal([
      "model.gltf",
      "textures/./face.png",
      "a//b.bin",
      "x..y.bin",
      "%2e%2e/z.bin",
    ]);
    expect(filesUnder(target)).to.include.members([
      "model.gltf",
      path.join("textures", "face.png"),
      path.join("a", "b.bin"),
      "x..y.bin",
      path.join("%2e%2e", "z.bin"),
    ]);
  });

  it("a symbolic-link entry is written as a plain file holding the link's text, never followed", async () => {
    const { dir, target } = workDir();
    const zip = zipFile(dir, [
      { name: "link.bin", data: Buffer.from("/etc/hostname"), symlink: true },
      { name: "model.gltf", data: Buffer.from("{}") },
    ]);
    await extractAll(zip, target);
    const stat = lstatSync(path.join(target, "link.bin"));
    expect(stat.isSymbolicLink()).to.equal(false);
    expect(stat.isFile()).to.equal(true);
  });

  it("extractFirst takes the first matching entry, names with dots inside included", async () => {
    const { dir } = workDir();
    const zip = zipFile(dir, [{ name: "readme.txt" }, { name: "head..lod0.glb" }]);
    expect(await extractFirst(zip, /\.glb$/i, path.join(dir, "out.glb"))).to.equal(
      "head..lod0.glb",
    );
  });

  it("a zip that is not one is refused as the provider's package, not a bare error", async () => {
    const { dir, target } = workDir();
    const file = path.join(dir, "package.zip");
    writeFileSync(file, Buffer.from("not a zip at all"));
    await refusal(extractAll(file, target));
    await refusal(extractFirst(file, /\.glb$/, path.join(dir, "m.glb")));
  });
});

/** URIs that would make the glTF reader open something outside the package. */
const ESCAPING_URIS: [string, string][] = [
  ["parent", "../secret.bin"],
  ["parent, deeper", "sub/../../secret.bin"],
  ["parent at the end", "sub/.."],
  ["parent, percent-encoded", "%2e%2e/secret.bin"],
  ["parent, percent-encoded upper case", "%2E%2E%2Fsecret.bin"],
  ["separator percent-encoded", "..%2fsecret.bin"],
  ["parent, double-encoded", "%252e%252e/secret.bin"],
  ["separator double-encoded", "..%252fsecret.bin"],
  ["absolute", "/etc/hostname"],
  ["absolute, percent-encoded", "%2Fetc%2Fhostname"],
  ["absolute, doubled slash (another host)", "//evil.example/x.bin"],
  ["Windows separators", "..\\secret.bin"],
  ["Windows separator percent-encoded", "..%5Csecret.bin"],
  ["Windows absolute", "\\\\server\\share\\x.bin"],
  ["drive letter", "C:\\secret.bin"],
  ["drive letter, forward slash", "c:/secret.bin"],
  ["file scheme", "file:///etc/hostname"],
  ["http", "http://127.0.0.1:9/evil.bin"],
  ["https", "https://evil.example/x.bin"],
  ["other scheme", "ftp://evil.example/x.bin"],
  [
    "upper-case data scheme (not a data URI for the reader)",
    "DATA:application/octet-stream;base64,AAAA",
  ],
  ["empty", ""],
  ["dot", "."],
  ["dot segments only", "./."],
  ["a NUL byte, percent-encoded", "a%00.bin"],
  ["invalid percent-encoding", "%E0%A4%A.bin"],
];

const INSIDE_URIS = [
  "model.bin",
  "./model.bin",
  "sub/model.bin",
  "sub/./model.bin",
  "sub//model.bin",
  "model%20one.bin",
  "x..y.bin",
  "data:application/octet-stream;base64,AAAA",
  "data:image/png;base64,iVBORw0KGgo=",
];

describe("provider packages: glTF buffer and image URIs stay inside the package", () => {
  for (const [what, uri] of ESCAPING_URIS) {
    it(`uriEscape refuses ${what}: ${JSON.stringify(uri)}`, () => {
      expect(uriEscape(uri, "/p", "/p")).to.be.a("string");
      expect(uriEscape(uri, "/p/sub", "/p")).to.be.a("string");
    });
  }
  for (const uri of INSIDE_URIS) {
    it(`uriEscape accepts ${JSON.stringify(uri)}`, () => {
      expect(uriEscape(uri, "/p", "/p")).to.equal(null);
    });
  }
  it("a glTF one folder down may not reach its package's root through `..` either", () => {
    expect(uriEscape("../model.bin", "/p/sub", "/p")).to.match(/\.\./);
  });

  for (const kind of ["buffers", "images"] as const) {
    for (const [what, uri] of ESCAPING_URIS) {
      it(`assertUrisInPackage refuses ${kind}[].uri ${what}`, async () => {
        const { dir } = workDir();
        const pkg = path.join(dir, "package");
        mkdirSync(pkg);
        const gltf = path.join(pkg, "model.gltf");
        const entries = [{ uri: "model.bin" }, { uri }];
        writeFileSync(
          gltf,
          JSON.stringify({ asset: { version: "2.0" }, buffers: [], images: [], [kind]: entries }),
        );
        const err = await refusal(assertUrisInPackage(gltf, pkg));
        expect(err.message).to.match(/glTF package refers to a file outside it/);
      });
    }
    it(`assertUrisInPackage accepts every ${kind}[].uri inside the package`, async () => {
      const { dir } = workDir();
      const pkg = path.join(dir, "package");
      mkdirSync(pkg);
      const gltf = path.join(pkg, "model.gltf");
      writeFileSync(
        gltf,
        JSON.stringify({
          asset: { version: "2.0" },
          [kind]: [...INSIDE_URIS.map((uri) => ({ uri })), { bufferView: 0 }],
        }),
      );
      await assertUrisInPackage(gltf, pkg);
    });
  }

  it("refuses a glTF whose uri is not a string", async () => {
    const { dir } = workDir();
    const pkg = path.join(dir, "package");
    mkdirSync(pkg);
    const gltf = path.join(pkg, "model.gltf");
    writeFileSync(gltf, JSON.stringify({ buffers: [{ uri: { href: "/etc/hostname" } }] }));
    await refusal(assertUrisInPackage(gltf, pkg));
  });
});
