/**
 * Tells the test when the next transaction that reads one given document has finished:
 * for `projects/{id}`, the moment a generate has made its claim on the project (quota
 * and other transactions before it do not count). The store runs its transactions on
 * the Firestore its document references belong to, so the watch is set on that
 * instance itself, until it fires. It only observes; every call goes to the emulator.
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
  const original = target.runTransaction.bind(target);
  let fired = false;
  const watching = async (...args: Parameters<Firestore["runTransaction"]>) => {
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
      return await original(watched, options);
    } finally {
      if (touched && !fired) {
        fired = true;
        // The instance's own method again: the prototype's.
        delete (target as { runTransaction?: unknown }).runTransaction;
        onFinished();
      }
    }
  };
  Object.defineProperty(target, "runTransaction", { value: watching, configurable: true });
  return target;
}
