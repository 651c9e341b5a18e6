/**
 * The dependencies every handler needs, built once per instance and memoised.
 * Heavy SDKs are loaded here, lazily, so that `index.ts` stays cheap at cold start.
 */
import type { App } from "firebase-admin/app";
import type { Auth } from "firebase-admin/auth";
import type { Firestore } from "firebase-admin/firestore";
import { resolveConfig, type AppConfig } from "./config";

export interface Clock {
  now(): Date;
}

export interface AppContext {
  app: App;
  db: Firestore;
  auth: Auth;
  config: AppConfig;
  clock: Clock;
}

let memo: AppContext | null = null;

export const systemClock: Clock = { now: () => new Date() };

export function getAppContext(): AppContext {
  if (memo) return memo;
  // Loaded on first use, not at import time (cold start of functions that never need them).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const adminApp = require("firebase-admin/app") as typeof import("firebase-admin/app");
  const adminFirestore =
    require("firebase-admin/firestore") as typeof import("firebase-admin/firestore");
  const adminAuth = require("firebase-admin/auth") as typeof import("firebase-admin/auth");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const config = resolveConfig();
  const existing = adminApp.getApps()[0];
  const app = existing ?? adminApp.initializeApp({ storageBucket: config.storageBucket });
  const db = adminFirestore.getFirestore(app);
  if (!existing) db.settings({ ignoreUndefinedProperties: true });
  memo = { app, db, auth: adminAuth.getAuth(app), config, clock: systemClock };
  return memo;
}
