/** firebase-admin in the test process, pointed at the emulators. */
import { getApps, initializeApp, type App } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import { getAuth, type Auth } from "firebase-admin/auth";
import { PROJECT_ID } from "./env";

let app: App | undefined;

export function adminApp(): App {
  app ??=
    getApps().find((a) => a.name === "tests") ?? initializeApp({ projectId: PROJECT_ID }, "tests");
  return app;
}

export const db = (): Firestore => getFirestore(adminApp());
export const adminAuth = (): Auth => getAuth(adminApp());
