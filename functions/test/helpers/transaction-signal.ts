/**
 * The same Firestore, which tells the test when its first transaction has finished:
 * the moment a generate has made its claim on the project. It only observes; every
 * call goes to the real Firestore emulator.
 */
import type { Firestore } from "firebase-admin/firestore";

export function signalFirstTransaction(target: Firestore, onFinished: () => void): Firestore {
  let fired = false;
  return new Proxy(target, {
    get(t, prop) {
      if (prop === "runTransaction") {
        return async (...args: Parameters<Firestore["runTransaction"]>) => {
          try {
            return await t.runTransaction(...args);
          } finally {
            if (!fired) {
              fired = true;
              onFinished();
            }
          }
        };
      }
      const value: unknown = Reflect.get(t, prop, t);
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
}
