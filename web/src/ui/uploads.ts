/** Uploads to the user's own Storage folder with the Storage Web SDK, with progress. */
import { storage } from "../firebase";

export async function uploadWithProgress(
  path: string,
  blob: Blob,
  contentType: string,
  onProgress: (fraction: number) => void,
): Promise<string> {
  const { storage: s, st } = await storage();
  const ref = st.ref(s, path);
  const task = st.uploadBytesResumable(ref, blob, { contentType });
  await new Promise<void>((resolve, reject) => {
    task.on(
      "state_changed",
      (snap) => onProgress(snap.totalBytes ? snap.bytesTransferred / snap.totalBytes : 0),
      reject,
      () => resolve(),
    );
  });
  onProgress(1);
  return `gs://${ref.bucket}/${ref.fullPath}`;
}

/** A playable URL of an object the user may read (storage.rules). */
export async function downloadUrl(path: string): Promise<string> {
  const { storage: s, st } = await storage();
  return st.getDownloadURL(st.ref(s, path));
}
