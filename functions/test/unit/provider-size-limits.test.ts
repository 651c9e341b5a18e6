/**
 * A provider's model lands on the function's disk (in-memory /tmp on Cloud Functions),
 * so downloads and zip extraction stop at a size limit instead of filling memory.
 */
import { expect } from "chai";
import http from "node:http";
import { existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import yazl from "yazl";
import { downloadToFile } from "../../src/clients/providers/http";
import { extractAll, extractFirst } from "../../src/clients/providers/zip";
import { ProviderError } from "../../src/clients/providers/types";

const MB = 1024 * 1024;

async function zipOf(entries: Record<string, Buffer>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(entries)) zip.addBuffer(data, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "masky-zip-")), "package.zip");
  writeFileSync(file, Buffer.concat(chunks));
  return file;
}

async function expectTooLarge(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(ProviderError);
  expect((err as ProviderError).kind).to.equal("too_large");
  expect((err as ProviderError).transient).to.equal(false);
  return err as ProviderError;
}

describe("provider downloads and packages have a size limit", () => {
  let server: http.Server;
  let base = "";
  const dir = mkdtempSync(path.join(os.tmpdir(), "masky-limit-"));
  before(async () => {
    server = http.createServer((req, res) => {
      const size = Number(new URL(req.url ?? "/", "http://x").searchParams.get("mb")) * MB;
      // Chunked, without Content-Length: the limit must hold while streaming.
      res.writeHead(200, { "Content-Type": "model/gltf-binary" });
      let sent = 0;
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((r) => server.close(r)));

  it("streams a model within the limit to disk", async () => {
    const target = path.join(dir, "ok.glb");
    await downloadToFile("in3D's model download", `${base}/?mb=2`, target, {
      allowedHosts: [new URL(base).host],
      maxBytes: 3 * MB,
    });
    expect(statSync(target).size).to.equal(2 * MB);
  });

  it("stops a download past the limit with a non-transient too_large error", async () => {
    const target = path.join(dir, "big.glb");
    const err = await expectTooLarge(
      downloadToFile("in3D's model download", `${base}/?mb=8`, target, {
        allowedHosts: [new URL(base).host],
        maxBytes: 3 * MB,
      }),
    );
    expect(err.message).to.match(/in3D's model download is larger than 3 MB/);
    expect(existsSync(target)).to.equal(false);
  });

  it("refuses a package whose entries unpack past the limit (zip bomb)", async () => {
    const zip = await zipOf({ "avatar.gltf": Buffer.alloc(4 * MB), "avatar.bin": Buffer.alloc(1) });
    await expectTooLarge(extractAll(zip, path.join(dir, "unpacked"), 3 * MB));
    await expectTooLarge(extractFirst(zip, /\.gltf$/, path.join(dir, "first.gltf"), 3 * MB));
    const small = await zipOf({ "model.glb": Buffer.alloc(MB) });
    expect(await extractFirst(small, /\.glb$/, path.join(dir, "m.glb"), 3 * MB)).to.equal(
      "model.glb",
    );
  });
});
