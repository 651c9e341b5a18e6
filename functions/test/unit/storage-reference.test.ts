/**
 * Where generate may read a voice or photo from (SSRF guard). The local-host http
 * form is the Storage emulator's and is accepted only when the functions run in the
 * emulator: these cases run the guard with the production setting too.
 */
import { expect } from "chai";
import { resolveStorageReference } from "../../src/services/media/storage-reference";
import { thrownApiError } from "../helpers/api-errors";

const BUCKET = "demo-masky-test.appspot.com";
const UID = "u1";
const resolve = (value: string, isEmulator: boolean) =>
  resolveStorageReference(value, { bucket: BUCKET, uid: UID, isEmulator, field: "voiceUrl" });

const refusal = (value: string, isEmulator: boolean) =>
  thrownApiError(() => resolve(value, isEmulator), `${value} was accepted`);

const emulatorUrl = (host: string) =>
  `http://${host}/v0/b/${BUCKET}/o/users%2F${UID}%2Fvoice.webm?alt=media`;

describe("storage references (generate's voice and photo locations)", () => {
  it("accepts a path, gs://, a Firebase download URL and a storage.googleapis.com URL of the project's bucket", () => {
    const want = { bucket: BUCKET, path: `users/${UID}/a b/voice.webm` };
    for (const isEmulator of [false, true]) {
      expect(resolve(`users/${UID}/a b/voice.webm`, isEmulator)).to.deep.equal(want);
      expect(resolve(`  /users/${UID}/a b/voice.webm `, isEmulator)).to.deep.equal(want);
      expect(resolve(`gs://${BUCKET}/users/${UID}/a%20b/voice.webm`, isEmulator)).to.deep.equal(
        want,
      );
      expect(
        resolve(
          `https://firebasestorage.googleapis.com/v0/b/${BUCKET}/o/users%2F${UID}%2Fa%20b%2Fvoice.webm?alt=media&token=t`,
          isEmulator,
        ),
      ).to.deep.equal(want);
      for (const host of ["storage.googleapis.com", "storage.cloud.google.com"]) {
        expect(
          resolve(`https://${host}/${BUCKET}/users/${UID}/a%20b/voice.webm`, isEmulator),
        ).to.deep.equal(want);
      }
    }
  });

  it("production (not the emulator): refuses the emulator's plain-http local URL", () => {
    for (const host of ["127.0.0.1:9199", "localhost:9199", "[::1]:9199"]) {
      const err = refusal(emulatorUrl(host), false);
      expect(err.code).to.equal("INVALID_REQUEST");
      expect(err.message).to.match(/other URLs are not fetched/);
    }
  });

  it("emulator: accepts the Storage emulator's local URL, and only on a local host over http", () => {
    for (const host of ["127.0.0.1:9199", "localhost:9199", "[::1]:9199"]) {
      expect(resolve(emulatorUrl(host), true)).to.deep.equal({
        bucket: BUCKET,
        path: `users/${UID}/voice.webm`,
      });
    }
    expect(refusal(emulatorUrl("10.0.0.5:9199"), true).code).to.equal("INVALID_REQUEST");
    expect(refusal(emulatorUrl("evil.example"), true).code).to.equal("INVALID_REQUEST");
    // A v0 path is a Firebase download URL only on Firebase's host (or the local emulator).
    expect(
      refusal(`https://evil.example/v0/b/${BUCKET}/o/users%2F${UID}%2Fv.webm`, true).code,
    ).to.equal("INVALID_REQUEST");
  });

  it("keeps what a path holds: colons, and several leading slashes dropped", () => {
    expect(resolve(`users/${UID}/take:2.webm`, false)).to.deep.equal({
      bucket: BUCKET,
      path: `users/${UID}/take:2.webm`,
    });
    expect(resolve(`//users/${UID}/v.webm`, false).path).to.equal(`users/${UID}/v.webm`);
  });

  it("emulator: a local host still needs plain http, and a v0 URL exactly /v0/b/{bucket}/o/{path}", () => {
    const path = `v0/b/${BUCKET}/o/users%2F${UID}%2Fv.webm`;
    for (const value of [
      `ftp://127.0.0.1:9199/${path}`,
      `ws://localhost:9199/${path}`,
      `http://127.0.0.1:9199/x/${path}`,
      `http://127.0.0.1:9199/${path}/extra`,
      `https://firebasestorage.googleapis.com/x/${path}`,
      `https://firebasestorage.googleapis.com/${path}/extra`,
    ]) {
      expect(refusal(value, true).code, value).to.equal("INVALID_REQUEST");
    }
  });

  it("refuses other schemes, hosts and credentials in the URL", () => {
    for (const isEmulator of [false, true]) {
      for (const value of [
        `http://storage.googleapis.com/${BUCKET}/users/${UID}/v.webm`,
        `ftp://${BUCKET}/users/${UID}/v.webm`,
        `https://user:pw@storage.googleapis.com/${BUCKET}/users/${UID}/v.webm`,
        `https://user@storage.googleapis.com/${BUCKET}/users/${UID}/v.webm`,
        `https://:pw@storage.googleapis.com/${BUCKET}/users/${UID}/v.webm`,
        `https://evil.example/${BUCKET}/users/${UID}/v.webm`,
        `https://storage.googleapis.com.evil.example/${BUCKET}/users/${UID}/v.webm`,
        "http://169.254.169.254/computeMetadata/v1/",
        `https://storage.googleapis.com/${BUCKET}`,
        "https://exa mple.com/x",
      ]) {
        const err = refusal(value, isEmulator);
        expect(err.code, value).to.equal("INVALID_REQUEST");
        expect(err.message, value).to.contain("voiceUrl must be a file in this project's Storage");
        expect(err.message, value).to.contain(`users/${UID}/`);
      }
    }
  });

  it("refuses another bucket, a path escape, an empty path, and another user's files", () => {
    const other = refusal(`gs://other-bucket/users/${UID}/v.webm`, false);
    expect(other.code).to.equal("INVALID_REQUEST");
    expect(other.message).to.equal(`voiceUrl must be in this project's bucket (${BUCKET}).`);
    for (const path of [
      `users/${UID}/../x/v.webm`,
      `users/${UID}/./v.webm`,
      `users/${UID}//v.webm`,
      `users/${UID}/v\0.webm`,
      "",
    ]) {
      const err = refusal(path, false);
      expect(err.code, JSON.stringify(path)).to.equal("INVALID_REQUEST");
      expect(err.message).to.equal("voiceUrl is not a valid object path.");
    }
    const foreign = refusal("users/someone-else/v.webm", false);
    expect(foreign.code).to.equal("FORBIDDEN");
    expect(foreign.message).to.equal(`voiceUrl must be one of your own uploads (users/${UID}/…).`);
    expect(refusal(`users/${UID}x/v.webm`, false).code).to.equal("FORBIDDEN");
  });
});
