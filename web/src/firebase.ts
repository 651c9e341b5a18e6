/**
 * The Firebase app, configured from Hosting's `/__/firebase/init.json` (no keys in
 * the bundle). On localhost the page talks to the emulators and the local Storage
 * server; their addresses are the ones in firebase.json. App Check: ./app-check.ts.
 */
import { initializeApp, type FirebaseApp, type FirebaseOptions } from "firebase/app";
import {
  browserLocalPersistence,
  connectAuthEmulator,
  initializeAuth,
  type Auth,
} from "firebase/auth";
import { startAppCheck } from "./app-check";

export const isLocal = ["localhost", "127.0.0.1"].includes(location.hostname);

/** Emulator addresses (firebase.json `emulators`, the local Storage server's port). */
export const EMULATORS = {
  auth: "http://127.0.0.1:9099",
  firestore: { host: "127.0.0.1", port: 8080 },
  storage: { host: "127.0.0.1", port: 9199 },
  functions: { host: "127.0.0.1", port: 5001 },
} as const;

export interface Firebase {
  app: FirebaseApp;
  auth: Auth;
  config: FirebaseOptions & { projectId: string; storageBucket: string };
}

let ready: Promise<Firebase> | null = null;

async function loadConfig(): Promise<Firebase["config"]> {
  const res = await fetch("/__/firebase/init.json", { cache: "no-store" });
  if (!res.ok) throw new Error(`Firebase configuration unavailable (${res.status})`);
  const config = (await res.json()) as FirebaseOptions;
  if (!config.projectId || !config.storageBucket || !config.apiKey) {
    throw new Error("Firebase configuration is incomplete (projectId, storageBucket, apiKey)");
  }
  return config as Firebase["config"];
}

export function firebase(): Promise<Firebase> {
  ready ??= loadConfig().then(async (config) => {
    const app = initializeApp(config);
    // Before any other service: they attach App Check's token once it is initialised.
    await startAppCheck(app, isLocal);
    // initializeAuth without the popup resolver keeps the sign-in page small; the Google
    // button loads the resolver when pressed.
    const auth = initializeAuth(app, { persistence: browserLocalPersistence });
    if (isLocal) connectAuthEmulator(auth, EMULATORS.auth, { disableWarnings: true });
    return { app, auth, config };
  });
  return ready;
}

/** Firestore, loaded with the first screen that needs it. */
let firestoreReady: Promise<{
  db: import("firebase/firestore").Firestore;
  fs: typeof import("firebase/firestore");
}> | null = null;
export function firestore() {
  firestoreReady ??= Promise.all([firebase(), import("firebase/firestore")]).then(
    ([{ app }, fs]) => {
      const db = fs.getFirestore(app);
      if (isLocal) fs.connectFirestoreEmulator(db, EMULATORS.firestore.host, EMULATORS.firestore.port);
      return { db, fs };
    },
  );
  return firestoreReady;
}

let storageReady: Promise<{ storage: import("firebase/storage").FirebaseStorage; st: typeof import("firebase/storage") }> | null = null;
export function storage() {
  storageReady ??= Promise.all([firebase(), import("firebase/storage")]).then(([{ app }, st]) => {
    const storage = st.getStorage(app);
    if (isLocal) st.connectStorageEmulator(storage, EMULATORS.storage.host, EMULATORS.storage.port);
    return { storage, st };
  });
  return storageReady;
}

let functionsReady: Promise<{ functions: import("firebase/functions").Functions; fn: typeof import("firebase/functions") }> | null = null;
export function functions() {
  functionsReady ??= Promise.all([firebase(), import("firebase/functions")]).then(([{ app }, fn]) => {
    const functions = fn.getFunctions(app, "us-central1");
    if (isLocal) fn.connectFunctionsEmulator(functions, EMULATORS.functions.host, EMULATORS.functions.port);
    return { functions, fn };
  });
  return functionsReady;
}
