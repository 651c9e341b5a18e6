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

/**
 * Resolves with the first snapshot data for which `until` holds (onSnapshot, not
 * polling). At the timeout the document is read once more, so a listener the emulator
 * stopped feeding is told apart from a document that really never got there.
 */
export function waitForDoc(
  ref: DocumentReference,
  until: (data: DocumentData | undefined) => boolean,
  timeoutMs = 15000,
): Promise<DocumentData | undefined> {
  return new Promise((resolve, reject) => {
    let last: DocumentData | undefined;
    const timer = setTimeout(() => {
      unsubscribe();
      ref.get().then(
        (snap) => {
          const now = snap.data();
          if (until(now)) {
            console.warn(`[waitForDoc] ${ref.path}: the listener missed an update; a read has it`);
            return resolve(now);
          }
          reject(
            new Error(
              `Timed out waiting on ${ref.path}; last snapshot: ${JSON.stringify(last)}; ` +
                `read at the timeout: ${JSON.stringify(now)}`,
            ),
          );
        },
        (err: Error) => reject(err),
      );
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
