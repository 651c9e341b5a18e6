/**
 * The V4 signed read URLs the API hands out (archived videos, GLBs): their real
 * lifetime is the URL's own X-Goog-Date + X-Goog-Expires, which Storage enforces, not
 * the `expiresIn` reported beside it. Signed with the suite's dev signer and served by
 * the local Storage server, which refuses expired URLs as GCS does.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { SIGNED_URL_SECONDS, signedReadUrl } from "../../src/clients/storage/bucket";
import { bucket, TEST_BUCKET } from "../helpers/storage";
import { useStack } from "../helpers/use-stack";

/** X-Goog-Date's format: 20261201T150000Z. */
const googDate = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

describe("signed read URLs: the lifetime inside the URL", function () {
  this.timeout(20000);
  useStack({ servers: ["storage"] });
  const path = `avatars/t-${randomUUID().slice(0, 8)}/model.glb`;
  before(() => bucket().file(path).save(Buffer.from("glTF"), { resumable: false }));

  it("carries X-Goog-Date = now and X-Goog-Expires = the reported expiresIn (one hour)", async () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const { url, expiresIn } = await signedReadUrl(TEST_BUCKET, path, now);
    expect(expiresIn).to.equal(3600);
    expect(SIGNED_URL_SECONDS).to.equal(3600);
    const q = new URL(url).searchParams;
    expect(q.get("X-Goog-Date")).to.equal(googDate(now));
    expect(q.get("X-Goog-Expires")).to.equal(String(expiresIn));
    const res = await fetch(url);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.equal("glTF");
  });

  it("is refused by Storage (400 ExpiredToken) once the hour since `now` has passed", async () => {
    // Signed (whole seconds, as X-Goog-Date) an hour ago less four seconds: three to
    // four seconds for the first fetch to be in time (two raced a loaded machine).
    const nowS = Math.floor(Date.now() / 1000);
    const signedAt = new Date((nowS - SIGNED_URL_SECONDS + 4) * 1000);
    const { url } = await signedReadUrl(TEST_BUCKET, path, signedAt);
    const q = new URL(url).searchParams;
    expect(q.get("X-Goog-Date")).to.equal(googDate(signedAt));
    const expiresAt = signedAt.getTime() + Number(q.get("X-Goog-Expires")) * 1000;
    expect(expiresAt).to.equal((nowS + 4) * 1000);
    expect((await fetch(url)).status).to.equal(200);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 100));
    const res = await fetch(url);
    expect(res.status).to.equal(400);
    const body = await res.text();
    expect(body).to.contain("<Code>ExpiredToken</Code>");
    expect(body).to.contain("Request has expired");
  });
});
