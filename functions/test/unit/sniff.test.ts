/** The real type of an upload, from its first bytes (services/media/sniff.ts). */
import { expect } from "chai";
import { isAudioType, sniffType, type SniffedType } from "../../src/services/media/sniff";

const head = (bytes: number[], at = 0) => {
  const b = Buffer.alloc(64);
  Buffer.from(bytes).copy(b, at);
  return b;
};
const ascii = (s: string) => [...Buffer.from(s, "latin1")];

describe("file type sniffing", () => {
  it("recognises each signature", () => {
    const cases: [Buffer, SniffedType][] = [
      [head([0xff, 0xd8, 0xff, 0xe0]), "image/jpeg"],
      [head([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), "image/png"],
      [head(ascii("glTF")), "model/gltf-binary"],
      [head([0x50, 0x4b, 0x03, 0x04]), "application/zip"],
      [head([0x1a, 0x45, 0xdf, 0xa3]), "audio/webm"],
      [head(ascii("OggS")), "audio/ogg"],
      [head(ascii("fLaC")), "audio/flac"],
      [head(ascii("RIFF\0\0\0\0WAVE")), "audio/wav"],
      [head(ascii("\0\0\0\x20ftypM4A ")), "audio/mp4"],
      [head(ascii("\0\0\0\x20ftypisom")), "video/mp4"],
      [head(ascii("ID3")), "audio/mpeg"],
      [head([0xff, 0xfb, 0x90]), "audio/mpeg"], // MPEG-1 layer III frame sync
      [head([0xff, 0xf3]), "audio/mpeg"], // MPEG-2 layer III
    ];
    for (const [b, type] of cases) expect(sniffType(b), type ?? "null").to.equal(type);
  });

  it("refuses near misses and unknown bytes", () => {
    const cases: Buffer[] = [
      head([0xff, 0xd8, 0x00]), // not quite JPEG
      head([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x00]), // PNG with a bad last byte
      head(ascii("RIFF\0\0\0\0AVI ")), // RIFF that is not WAVE
      head(ascii("WAVE")),
      head(ascii("\0\0\0\0\0\0\0\0WAVE")), // WAVE without RIFF
      head([0xff, 0x1a]), // layer bits set, but no frame sync
      head([0xff, 0xe1]), // frame sync with layer bits 00 (reserved)
      head([0xff, 0xc0]), // no frame sync
      head([0xfe, 0xfb]),
      head(ascii("ftyp")), // ftyp at the wrong offset
      head(ascii("<html>")),
      Buffer.alloc(0),
    ];
    for (const b of cases) expect(sniffType(b), b.subarray(0, 12).toString("hex")).to.equal(null);
  });

  it("counts audio containers and MP4 as audio, images and models not", () => {
    const audio: SniffedType[] = [
      "audio/mpeg",
      "audio/wav",
      "audio/ogg",
      "audio/webm",
      "audio/mp4",
      "audio/flac",
      "video/mp4",
    ];
    for (const t of audio) expect(isAudioType(t), String(t)).to.equal(true);
    for (const t of ["image/jpeg", "image/png", "model/gltf-binary", "application/zip", null]) {
      expect(isAudioType(t as SniffedType), String(t)).to.equal(false);
    }
  });
});
