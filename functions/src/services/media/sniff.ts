/** The real type of a file, from its first bytes (never the declared Content-Type). */
export type SniffedType =
  | "image/jpeg"
  | "image/png"
  | "audio/mpeg"
  | "audio/wav"
  | "audio/ogg"
  | "audio/webm"
  | "audio/mp4"
  | "audio/flac"
  | "video/mp4"
  | "model/gltf-binary"
  | "application/zip"
  | null;

const startsWith = (b: Buffer, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);

/** Sniffs from at least the first 64 bytes. WebM/MP4 containers are reported as audio. */
export function sniffType(head: Buffer): SniffedType {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(head, [0x67, 0x6c, 0x54, 0x46])) return "model/gltf-binary"; // "glTF"
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return "application/zip";
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return "audio/webm"; // EBML (WebM/Matroska)
  if (startsWith(head, [0x4f, 0x67, 0x67, 0x53])) return "audio/ogg"; // "OggS"
  if (startsWith(head, [0x66, 0x4c, 0x61, 0x43])) return "audio/flac"; // "fLaC"
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x41, 0x56, 0x45], 8)) {
    return "audio/wav"; // "RIFF....WAVE"
  }
  if (startsWith(head, [0x66, 0x74, 0x79, 0x70], 4)) {
    const brand = head.subarray(8, 12).toString("latin1");
    return brand.startsWith("M4A") ? "audio/mp4" : "video/mp4"; // "....ftyp"
  }
  if (startsWith(head, [0x49, 0x44, 0x33])) return "audio/mpeg"; // "ID3"
  if (head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && (head[1] & 0x06) !== 0) return "audio/mpeg"; // MPEG audio frame sync
  return null;
}

export const isAudioType = (t: SniffedType): boolean =>
  t !== null && (t.startsWith("audio/") || t === "video/mp4");
