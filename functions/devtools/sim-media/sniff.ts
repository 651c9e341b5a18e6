/**
 * The type of an uploaded file from its first bytes, the way the simulated APIs detect
 * it, named with the MIME types those APIs list:
 * - HeyGen v3 `POST /v3/assets` detects the type from the bytes and takes png, jpeg,
 *   mp4, webm, mp3, wav; `audio/mp4` (m4a) is not listed (HeyGen's v3 Upload Asset
 *   reference);
 * - HeyGen's legacy upload compares with the declared `Content-Type` of its enum
 *   `image/png`, `image/jpeg`, `video/mp4`, `video/webm`, `audio/mpeg` (HeyGen's legacy
 *   Upload Asset reference);
 * - Avatar SDK and Didimo take a JPEG or PNG photo (Avatar SDK's samples send JPEG;
 *   Didimo's CLI accepts jpg, jpeg and png).
 * Anything else is null. Written out here: the simulators share no code with the
 * backend under test, whose own sniffing (src/services/media/sniff.ts) they check.
 */
export type SimFileType =
  | "image/jpeg"
  | "image/png"
  | "video/mp4"
  | "video/webm"
  | "audio/mpeg"
  | "audio/wav"
  | "audio/mp4";

const at = (b: Buffer, offset: number, ...sig: number[]) =>
  b.length >= offset + sig.length && sig.every((v, i) => b[offset + i] === v);

export function simFileType(bytes: Buffer): SimFileType | null {
  if (at(bytes, 0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (at(bytes, 0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (at(bytes, 0, 0x1a, 0x45, 0xdf, 0xa3)) return "video/webm"; // EBML header
  if (at(bytes, 0, 0x52, 0x49, 0x46, 0x46) && at(bytes, 8, 0x57, 0x41, 0x56, 0x45)) {
    return "audio/wav"; // "RIFF" … "WAVE"
  }
  if (at(bytes, 4, 0x66, 0x74, 0x79, 0x70)) {
    // "ftyp": the brand tells an M4A (audio only) from a video
    return bytes.subarray(8, 11).toString("latin1") === "M4A" ? "audio/mp4" : "video/mp4";
  }
  if (at(bytes, 0, 0x49, 0x44, 0x33)) return "audio/mpeg"; // "ID3" tag
  // An MPEG audio frame: 11 sync bits, and a layer other than "reserved".
  if (bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0 && (bytes[1] & 0x06) !== 0) {
    return "audio/mpeg";
  }
  return null;
}
