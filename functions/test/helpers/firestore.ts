/** Firestore emulator helpers: clearing between tests and waiting for server writes (by polling reads). */
import type { DocumentReference, DocumentData } from "firebase-admin/firestore";
import { PROJECT_ID, emulators } from "./env";

/**
 * Deletes every document. The emulator waits 2 s for a document a transaction holds,
 * then answers 409 "Transaction lock timeout" (a trigger of the last test may still be
 * in one): that answer is retried until the transaction is over.
 */
export async function clearFirestore(attempts = 10): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(
      `http://${emulators.firestore()}/emulator/v1/projects/${PROJECT_ID}/databases/(default)/documents`,
      { method: "DELETE" },
    );
    if (res.ok) return;
    const body = await res.text();
    if (res.status !== 409 || attempt >= attempts) {
      throw new Error(`Could not clear Firestore: ${res.status} ${body}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Reads the document until `until` holds and returns that data; at `timeoutMs` it
 * throws with the last data read. Plain reads, no listener: a listener the emulator
 * stops feeding made tests fail on correct code.
 */
export async function waitForDoc(
  ref: DocumentReference,
  until: (data: DocumentData | undefined) => boolean,
  timeoutMs = 15000,
  intervalMs = 100,
): Promise<DocumentData | undefined> {
  const deadline = Date.now() + timeoutMs;
  let reads = 0;
  for (;;) {
    const data = (await ref.get()).data();
    reads++;
    if (until(data)) return data;
    if (Date.now() >= deadline) {
      throw new Error(
        `${ref.path} did not reach the awaited state within ${timeoutMs} ms ` +
          `(${reads} reads); last read: ${JSON.stringify(data)}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
