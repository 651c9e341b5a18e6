/**
 * The local Storage server's Firebase Storage REST subset, driven by the real Firebase
 * Web SDK (`firebase/storage`) as the page uses it, with users signed in on the Auth
 * emulator. Every case of storage.rules is checked: owner-only users/{uid}/…, the
 * content types and the 50 MiB limit, owner-read videos/{uid}/…, nothing else.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword, signOut } from "firebase/auth";
import {
  connectStorageEmulator,
  deleteObject,
  getBytes,
  getDownloadURL,
  getMetadata,
  getStorage,
  ref,
  uploadBytes,
  uploadBytesResumable,
  type FirebaseStorage,
} from "firebase/storage";
import { PORTS } from "../../devtools/ports";
import { PROJECT_ID, emulators } from "../helpers/env";
import { createUser, type TestUser } from "../helpers/auth";
import { TEST_BUCKET, bucket } from "../helpers/storage";
import { useStack } from "../helpers/use-stack";

const PASSWORD = "secret-password";

/** A page's Firebase app signed in as `user` (or signed out). */
async function client(user: TestUser | null): Promise<{ app: FirebaseApp; st: FirebaseStorage }> {
  const app = initializeApp(
    { projectId: PROJECT_ID, apiKey: "fake-api-key", storageBucket: TEST_BUCKET },
    `storage-${randomUUID()}`,
  );
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${emulators.auth()}`, { disableWarnings: true });
  if (user) await signInWithEmailAndPassword(auth, user.email, PASSWORD);
  const st = getStorage(app);
  connectStorageEmulator(st, "127.0.0.1", PORTS.storage);
  return { app, st };
}

async function code(p: PromiseLike<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);

describe("Storage server: Firebase Storage REST (Web SDK) under storage.rules", function () {
  this.timeout(60000);
  useStack({ servers: ["storage"] });
  let owner: TestUser;
  let other: TestUser;
  let ownerApp: { app: FirebaseApp; st: FirebaseStorage };
  let otherApp: { app: FirebaseApp; st: FirebaseStorage };
  let anonApp: { app: FirebaseApp; st: FirebaseStorage };

  before(async () => {
    owner = await createUser(undefined);
    other = await createUser(undefined);
    [ownerApp, otherApp, anonApp] = await Promise.all([client(owner), client(other), client(null)]);
  });
  after(async () => {
    await Promise.all([ownerApp, otherApp, anonApp].map((c) => deleteApp(c.app)));
  });

  it("multipart upload (≤ 256 KiB) by the owner: metadata, download URL with token, bytes", async () => {
    const path = `users/${owner.uid}/photos/a.jpg`;
    const result = await uploadBytes(ref(ownerApp.st, path), bytes(1000), {
      contentType: "image/jpeg",
      customMetadata: { source: "camera" },
    });
    expect(result.metadata.fullPath).to.equal(path);
    expect(result.metadata.size).to.equal(1000);
    expect(result.metadata.contentType).to.equal("image/jpeg");
    expect(result.metadata.customMetadata).to.deep.equal({ source: "camera" });
    const meta = await getMetadata(ref(ownerApp.st, path));
    expect(meta.md5Hash).to.be.a("string");
    const url = await getDownloadURL(ref(ownerApp.st, path));
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:9199\/v0\/b\/.+\?alt=media&token=/);
    // The token URL works without any Authorization, as an <img> or <video> fetches it.
    const res = await fetch(url);
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.equal("image/jpeg");
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes(1000)))).to.equal(true);
    // A wrong token is no key.
    const forged = url.replace(/token=[^&]+/, "token=nope");
    expect((await fetch(forged)).status).to.equal(403);
    // The same object through the GCS JSON API the functions use.
    const [gcs] = await bucket().file(path).download();
    expect(gcs.length).to.equal(1000);
  });

  it("resumable upload (> 256 KiB, several chunks, progress events) by the owner", async () => {
    const path = `users/${owner.uid}/voice/long.webm`;
    const data = bytes(900 * 1024, 3);
    data[12345] = 99;
    const task = uploadBytesResumable(ref(ownerApp.st, path), data, { contentType: "audio/webm" });
    const seen: number[] = [];
    task.on("state_changed", (s) => seen.push(s.bytesTransferred));
    const snap = await task;
    expect(snap.metadata.size).to.equal(data.length);
    expect(seen.some((n) => n > 0 && n < data.length)).to.equal(true);
    const back = new Uint8Array(await getBytes(ref(ownerApp.st, path)));
    expect(Buffer.from(back).equals(Buffer.from(data))).to.equal(true);
  });

  for (const [contentType, expected] of [
    ["image/png", "ok"],
    ["audio/mpeg", "ok"],
    ["audio/webm", "ok"],
    ["video/webm", "ok"],
    ["image/gif", "storage/unauthorized"],
    ["video/mp4", "storage/unauthorized"],
    ["text/html", "storage/unauthorized"],
    ["application/octet-stream", "storage/unauthorized"],
  ] as const) {
    it(`users/{uid}: ${contentType} is ${expected === "ok" ? "accepted" : "refused"}`, async () => {
      const r = ref(ownerApp.st, `users/${owner.uid}/types/${contentType.replace("/", "-")}`);
      expect(await code(uploadBytes(r, bytes(10), { contentType }))).to.equal(expected);
    });
  }

  it("users/{uid}: 50 MiB or more is refused, just under is accepted (resumable)", async () => {
    const limit = 50 * 1024 * 1024;
    const tooBig = new Blob([new Uint8Array(limit)], { type: "audio/webm" });
    const r = ref(ownerApp.st, `users/${owner.uid}/voice/huge.webm`);
    expect(await code(uploadBytesResumable(r, tooBig).then())).to.equal("storage/unauthorized");
    const justUnder = new Blob([new Uint8Array(limit - 1)], { type: "audio/webm" });
    expect(await code(uploadBytesResumable(r, justUnder).then())).to.equal("ok");
  });

  it("users/{uid}: another user can neither write, read, get a URL nor delete", async () => {
    const path = `users/${owner.uid}/photos/private.png`;
    await uploadBytes(ref(ownerApp.st, path), bytes(20), { contentType: "image/png" });
    const theirs = ref(otherApp.st, path);
    expect(await code(uploadBytes(theirs, bytes(5), { contentType: "image/png" }))).to.equal(
      "storage/unauthorized",
    );
    expect(await code(getMetadata(theirs))).to.equal("storage/unauthorized");
    expect(await code(getDownloadURL(theirs))).to.equal("storage/unauthorized");
    expect(await code(getBytes(theirs))).to.equal("storage/unauthorized");
    expect(await code(deleteObject(theirs))).to.equal("storage/unauthorized");
    // Still there and unchanged for the owner.
    expect((await getMetadata(ref(ownerApp.st, path))).size).to.equal(20);
  });

  it("users/{uid}: signed out, nothing is allowed; a token the Auth emulator did not issue neither", async () => {
    const path = `users/${owner.uid}/photos/anon.png`;
    const r = ref(anonApp.st, path);
    expect(await code(uploadBytes(r, bytes(5), { contentType: "image/png" }))).to.equal(
      "storage/unauthorized",
    );
    expect(await code(getMetadata(r))).to.equal("storage/unauthorized");
    const res = await fetch(
      `http://127.0.0.1:${PORTS.storage}/v0/b/${TEST_BUCKET}/o?name=${encodeURIComponent(path)}`,
      {
        method: "POST",
        headers: {
          Authorization: "Firebase not-a-token",
          "X-Goog-Upload-Protocol": "multipart",
          "Content-Type": "multipart/related; boundary=b",
        },
        body: `--b\r\nContent-Type: application/json\r\n\r\n{"contentType":"image/png"}\r\n--b\r\nContent-Type: image/png\r\n\r\nx\r\n--b--`,
      },
    );
    expect(res.status).to.equal(403);
  });

  it("users/{uid}: the owner deletes; a missing object is 404 (object-not-found)", async () => {
    const r = ref(ownerApp.st, `users/${owner.uid}/photos/gone.png`);
    await uploadBytes(r, bytes(5), { contentType: "image/png" });
    expect(await code(deleteObject(r))).to.equal("ok");
    expect(await code(getMetadata(r))).to.equal("storage/object-not-found");
  });

  it("videos/{uid}/{file}: the owner reads the server's archived video; nobody writes; others do not read", async () => {
    const path = `videos/${owner.uid}/v1.mp4`;
    await bucket()
      .file(path)
      .save(Buffer.from("mp4-bytes"), { contentType: "video/mp4", resumable: false });
    const url = await getDownloadURL(ref(ownerApp.st, path));
    expect(await (await fetch(url)).text()).to.equal("mp4-bytes");
    expect(await code(getMetadata(ref(otherApp.st, path)))).to.equal("storage/unauthorized");
    expect(
      await code(uploadBytes(ref(ownerApp.st, path), bytes(5), { contentType: "video/webm" })),
    ).to.equal("storage/unauthorized");
    expect(
      await code(
        uploadBytes(ref(ownerApp.st, `videos/${owner.uid}/sub/x.mp4`), bytes(5), {
          contentType: "video/webm",
        }),
      ),
    ).to.equal("storage/unauthorized");
    expect(await code(deleteObject(ref(ownerApp.st, path)))).to.equal("storage/unauthorized");
  });

  for (const path of ["avatars/a1/model.glb", "selfies/u/x.jpg", "top.png", "users/x"]) {
    it(`${path}: no client reads or writes`, async () => {
      const r = ref(ownerApp.st, path.replace("/u/", `/${owner.uid}/`));
      expect(await code(uploadBytes(r, bytes(5), { contentType: "image/png" }))).to.equal(
        "storage/unauthorized",
      );
      expect(await code(getMetadata(r))).to.equal("storage/unauthorized");
    });
  }

  it("answers CORS preflights and exposes the upload headers the SDK reads", async () => {
    const res = await fetch(`http://127.0.0.1:${PORTS.storage}/v0/b/${TEST_BUCKET}/o?name=x`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://127.0.0.1:5000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-goog-upload-protocol,authorization",
      },
    });
    expect(res.status).to.equal(204);
    expect(res.headers.get("access-control-allow-origin")).to.equal("http://127.0.0.1:5000");
    expect(res.headers.get("access-control-allow-headers")).to.contain("x-goog-upload-protocol");
  });

  it("signing out drops the Authorization header: reads are then refused", async () => {
    const c = await client(owner);
    const r = ref(c.st, `users/${owner.uid}/photos/after.png`);
    await uploadBytes(r, bytes(5), { contentType: "image/png" });
    await signOut(getAuth(c.app));
    expect(await code(getMetadata(r))).to.equal("storage/unauthorized");
    await deleteApp(c.app);
  });
});
