/**
 * The same Firestore, which tells the test when the first transaction that read one
 * given document has finished: for `projects/{id}`, the moment a generate has made
 * its claim on the project (quota and other transactions before it do not count).
 * It only observes; every call goes to the real Firestore emulator.
 */
import type { DocumentReference, Firestore, Transaction } from "firebase-admin/firestore";

function bound<T extends object>(t: T, prop: string | symbol): unknown {
  const value: unknown = Reflect.get(t, prop, t);
  return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(t) : value;
}

export function signalTransactionOn(
  target: Firestore,
  docPath: string,
  onFinished: () => void,
): Firestore {
  let fired = false;
  return new Proxy(target, {
    get(t, prop) {
      if (prop !== "runTransaction") return bound(t, prop);
      return async (...args: Parameters<Firestore["runTransaction"]>) => {
        const [update, options] = args;
        let touched = false;
        const watched = (tx: Transaction) =>
          update(
            new Proxy(tx, {
              get(inner, p) {
                if (p !== "get") return bound(inner, p);
                return (ref: DocumentReference, ...rest: unknown[]) => {
                  if (ref?.path === docPath) touched = true;
                  return (inner.get as (...a: unknown[]) => unknown)(ref, ...rest);
                };
              },
            }),
          );
        try {
          return await t.runTransaction(watched, options);
        } finally {
          if (touched && !fired) {
            fired = true;
            onFinished();
          }
        }
      };
    },
  });
}
