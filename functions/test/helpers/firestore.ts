/** Firestore emulator helpers: clearing between tests and waiting for server writes. */
import type { DocumentReference, DocumentData } from "firebase-admin/firestore";
import { PROJECT_ID, emulators } from "./env";

export async function clearFirestore(): Promise<void> {
  const res = await fetch(
    `http://${emulators.firestore()}/emulator/v1/projects/${PROJECT_ID}/databases/(default)/documents`,
    { method: "DELETE" },
  );
  if (!res.ok) throw new Error(`Could not clear Firestore: ${res.status} ${await res.text()}`);
}

/** Resolves with the first snapshot data for which `until` holds (onSnapshot, not polling). */
export function waitForDoc(
  ref: DocumentReference,
  until: (data: DocumentData | undefined) => boolean,
  timeoutMs = 15000,
): Promise<DocumentData | undefined> {
  return new Promise((resolve, reject) => {
    let last: DocumentData | undefined;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`Timed out waiting on ${ref.path}; last data: ${JSON.stringify(last)}`));
    }, timeoutMs);
    const unsubscribe = ref.onSnapshot(
      (snap) => {
        last = snap.data();
        if (until(last)) {
          clearTimeout(timer);
          unsubscribe();
          resolve(last);
        }
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
