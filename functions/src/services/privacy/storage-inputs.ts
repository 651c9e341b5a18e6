/**
 * The user's biometric inputs in Storage: photos and voice recordings they uploaded
 * under `users/{uid}/` (told apart by content type), and selfies under
 * `selfies/{uid}/`.
 */
import { getBucket } from "../../clients/storage/bucket";

export type InputKind = "photo" | "voice" | "selfie";

const AUDIO_EXTENSIONS = /\.(webm|weba|mp3|wav|m4a|ogg|oga|opus|aac|flac)$/i;
const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|heic|gif)$/i;

export function isVoiceObject(name: string, contentType: string | undefined): boolean {
  const t = contentType ?? "";
  return t.startsWith("audio/") || t === "video/webm" || (!t && AUDIO_EXTENSIONS.test(name));
}

export function isPhotoObject(name: string, contentType: string | undefined): boolean {
  const t = contentType ?? "";
  return t.startsWith("image/") || (!t && IMAGE_EXTENSIONS.test(name));
}

/** Deletes the user's objects of one kind; returns the deleted paths. */
export async function deleteInputs(
  bucketName: string,
  uid: string,
  kind: InputKind,
): Promise<string[]> {
  const bucket = getBucket(bucketName);
  const prefix = kind === "selfie" ? `selfies/${uid}/` : `users/${uid}/`;
  const [files] = await bucket.getFiles({ prefix });
  const deleted: string[] = [];
  for (const file of files) {
    const type = file.metadata.contentType;
    const matches =
      kind === "selfie" ||
      (kind === "photo" ? isPhotoObject(file.name, type) : isVoiceObject(file.name, type));
    if (!matches) continue;
    await file.delete({ ignoreNotFound: true });
    deleted.push(file.name);
  }
  return deleted;
}
