/**
 * The simulators' entry to the head: a selfie (JPEG or PNG; none for the painted face)
 * becomes the head's texture, and the head becomes a GLB in a provider's layout.
 */
import { decodeImage, encodeImage } from "./image-io";
import type { FaceBox } from "./face-box";
import { headGlb, type HeadTextureFile } from "./head-document";
import { in3dLayout, metaPersonLayout } from "./layouts";
import { paintPortrait } from "./portrait";
import { paintHeadTexture } from "./texture";

export interface SelfieTexture extends HeadTextureFile {
  /** Where the face was found in the selfie (pixels) and by which rule. */
  face: FaceBox;
}

/** The head's texture from a selfie; rejects when the picture cannot be decoded. */
export async function selfieTexture(
  selfie: Uint8Array | null,
  format: "jpeg" | "png",
  uri: string,
): Promise<SelfieTexture> {
  const photo = selfie ? await decodeImage(selfie) : paintPortrait();
  const painted = paintHeadTexture(photo);
  return {
    bytes: await encodeImage(painted.image, format, 3),
    mimeType: format === "jpeg" ? "image/jpeg" : "image/png",
    uri,
    face: painted.face,
  };
}

/** MetaPerson's GLB with the blendshape sets the export asked for. */
export function metaPersonGlb(
  texture: HeadTextureFile,
  sets: { arkit: boolean; visemes: boolean },
) {
  return headGlb(metaPersonLayout(sets), texture);
}

export function in3dGlb(texture: HeadTextureFile) {
  return headGlb(in3dLayout(), texture);
}
