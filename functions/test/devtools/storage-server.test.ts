import { expect } from "chai";
import { generateKeyPairSync } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Storage } from "@google-cloud/storage";
import { startStorageServer, type StorageServer } from "../../devtools/storage-server/server";

describe("local Cloud Storage server, driven by the real @google-cloud/storage client", () => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  let server: StorageServer;
  let storage: Storage;
  const bucketName = "unit-bucket";

  before(async () => {
    server = await startStorageServer({
      signerPublicKey: publicKey.export({ type: "spki", format: "pem" }) as string,
    });
    // This suite runs its own server: keep the client off the suite-wide STORAGE_EMULATOR_HOST.
    const emulatorHost = process.env.STORAGE_EMULATOR_HOST;
    delete process.env.STORAGE_EMULATOR_HOST;
    storage = new Storage({
      apiEndpoint: server.url,
      projectId: "demo-masky-test",
      credentials: {
        client_email: "signer@demo-masky-test.iam.gserviceaccount.com",
        private_key: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
      },
    });
    if (emulatorHost !== undefined) process.env.STORAGE_EMULATOR_HOST = emulatorHost;
  });
  after(() => server.close());

  it("stores with a simple upload and reads metadata and bytes back", async () => {
    const file = storage.bucket(bucketName).file("users/u1/photo.png");
    await file.save(Buffer.from("png-bytes"), {
      contentType: "image/png",
      resumable: false,
      metadata: { metadata: { a: "1" } },
    });
    const [meta] = await file.getMetadata();
    expect(meta.contentType).to.equal("image/png");
    expect(Number(meta.size)).to.equal(9);
    expect(meta.metadata).to.deep.equal({ a: "1" });
    const [bytes] = await file.download();
    expect(bytes.toString()).to.equal("png-bytes");
    const [exists] = await storage.bucket(bucketName).file("nope").exists();
    expect(exists).to.equal(false);
  });

  it("streams a resumable upload in chunks and a ranged download", async () => {
    const big = Buffer.alloc(3 * 256 * 1024 + 123, 7);
    const file = storage.bucket(bucketName).file("videos/u1/p1.mp4");
    await pipeline(
      Readable.from([big.subarray(0, 300000), big.subarray(300000)]),
      file.createWriteStream({ resumable: true, contentType: "video/mp4", chunkSize: 256 * 1024 }),
    );
    const [meta] = await file.getMetadata();
    expect(Number(meta.size)).to.equal(big.length);
    const [part] = await file.download({ start: 10, end: 19 });
    expect(part.length).to.equal(10);
    const [all] = await file.download({ validation: "md5" });
    expect(all.equals(big)).to.equal(true);
  });

  it("lists by prefix and deletes", async () => {
    const bucket = storage.bucket(bucketName);
    await bucket.file("avatars/a1/model.glb").save("x", { resumable: false });
    await bucket.file("avatars/a2/model.glb").save("y", { resumable: false });
    const [files] = await bucket.getFiles({ prefix: "avatars/" });
    expect(files.map((f) => f.name)).to.deep.equal([
      "avatars/a1/model.glb",
      "avatars/a2/model.glb",
    ]);
    await bucket.file("avatars/a1/model.glb").delete();
    const [after] = await bucket.getFiles({ prefix: "avatars/" });
    expect(after.map((f) => f.name)).to.deep.equal(["avatars/a2/model.glb"]);
  });

  it("serves V4 signed URLs, and refuses tampered or expired ones", async () => {
    const file = storage.bucket(bucketName).file("avatars/a9/model.glb");
    await file.save(Buffer.from("glTF-data"), {
      resumable: false,
      contentType: "model/gltf-binary",
    });
    const [url] = await file.getSignedUrl({
      version: "v4",
      action: "read",
      expires: Date.now() + 3600_000,
    });
    expect(url.startsWith(server.url)).to.equal(true);
    const ok = await fetch(url);
    expect(ok.status).to.equal(200);
    expect(await ok.text()).to.equal("glTF-data");

    const tampered = url.replace("a9", "a8");
    expect((await fetch(tampered)).status).to.equal(403);

    const [expired] = await file.getSignedUrl({
      version: "v4",
      action: "read",
      expires: Date.now() + 1000,
    });
    await new Promise((r) => setTimeout(r, 1100));
    // GCS answers an expired V4 URL with 400 and an XML ExpiredToken error.
    const res = await fetch(expired);
    expect(res.status).to.equal(400);
    const body = await res.text();
    expect(body).to.contain("<Code>ExpiredToken</Code>");
    expect(body).to.match(/<Details>Request has expired: \d+<\/Details>/);
  });
});
