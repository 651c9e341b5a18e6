/**
 * ffmpeg on user files: the demuxer comes from the sniffed type, only file/pipe
 * protocols, an empty environment, bounded output. Runs the real ffmpeg binary.
 */
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runFfmpeg, untrustedInputArgs } from "../../src/services/media/ffmpeg";
import { sniffType } from "../../src/services/media/sniff";
import { voiceMp3, voiceWebm } from "../fixtures/media";

const dir = mkdtempSync(path.join(os.tmpdir(), "masky-ffmpeg-test-"));
const toMp3 = (input: string[], out: string) =>
  runFfmpeg(["-y", ...input, "-vn", "-c:a", "libmp3lame", "-b:a", "96k", out], 30000);

describe("ffmpeg hardening (real binary)", function () {
  this.timeout(60000);

  it("names the demuxer from the sniffed type and allows only the file and pipe protocols", async () => {
    const webm = await voiceWebm();
    const type = sniffType(readFileSync(webm).subarray(0, 64));
    expect(untrustedInputArgs(webm, type)).to.deep.equal([
      "-protocol_whitelist",
      "file,pipe",
      "-f",
      "matroska",
      "-i",
      webm,
    ]);
    const out = path.join(dir, "webm.mp3");
    await toMp3(untrustedInputArgs(webm, type), out);
    expect(statSync(out).size).to.be.greaterThan(1000);
    const mp3 = await voiceMp3();
    expect(untrustedInputArgs(mp3, "audio/mpeg")).to.include.members(["-f", "mp3"]);
    expect(() => untrustedInputArgs(mp3, "image/png")).to.throw(/No ffmpeg demuxer/);
    expect(() => untrustedInputArgs(mp3, null)).to.throw(/No ffmpeg demuxer/);
  });

  it("a file that is not what its bytes say is refused by the named demuxer, not probed as something else", async () => {
    // A concat script would make ffmpeg open other files if it were probed as one.
    const script = path.join(dir, "list.txt");
    writeFileSync(script, `ffconcat version 1.0\nfile '${await voiceMp3()}'\n`);
    const out = path.join(dir, "script.mp3");
    let failed = false;
    try {
      await toMp3(untrustedInputArgs(script, "audio/ogg"), out);
    } catch {
      failed = true;
    }
    expect(failed).to.equal(true);
  });

  it("a URL input is refused by the protocol whitelist", async () => {
    let message = "";
    try {
      await toMp3(
        ["-protocol_whitelist", "file,pipe", "-f", "mp3", "-i", "http://127.0.0.1:9/x.mp3"],
        path.join(dir, "url.mp3"),
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).to.match(/not on whitelist|Protocol 'http'/i);
  });

  it("runs with an empty environment: nothing the function holds reaches ffmpeg", async () => {
    // FFREPORT in ffmpeg's environment makes it write a report file: it must not.
    const report = path.join(dir, "report.log");
    process.env.FFREPORT = `file=${report}:level=32`;
    try {
      await toMp3(untrustedInputArgs(await voiceMp3(), "audio/mpeg"), path.join(dir, "env.mp3"));
    } finally {
      delete process.env.FFREPORT;
    }
    expect(existsSync(report)).to.equal(false);
  });
});
