/**
 * AppContexts of the bench's own, against the running stack's emulators and
 * simulators: the stack's params (functions/.env.local) with the overrides a
 * measurement needs (API version, audio source, poll concurrency, quotas).
 *
 * Measurements that count Firestore operations in this process use their own project
 * id (BENCH_PROJECT_ID) in the same Firestore emulator: the functions emulator serves
 * `demo-masky` only, so none of its triggers write to those documents meanwhile.
 */
import { getApps, initializeApp, type App } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { getFirestore } from "firebase-admin/firestore";
import { buildConfig, givenParams, quotaParams, type QuotaConfig } from "../../src/config";
import { parseParamValues } from "../../src/params";
import { systemClock, type AppContext } from "../../src/context";
import { EMULATORS } from "../local-stack/config";

export const BENCH_PROJECT_ID = "demo-masky-bench";

export interface BenchOverrides {
  projectId: string;
  apiVersion?: "v2" | "v3";
  audioSource?: "upload" | "url";
  pollConcurrency?: number;
  quotas?: Partial<QuotaConfig>;
}

function adminApp(projectId: string): App {
  const existing = getApps().find((a) => a.name === `bench-${projectId}`);
  if (existing) return existing;
  const app = initializeApp(
    { projectId, storageBucket: `${projectId}.appspot.com` },
    `bench-${projectId}`,
  );
  getFirestore(app).settings({ ignoreUndefinedProperties: true });
  return app;
}

export function benchContext(params: Record<string, string>, o: BenchOverrides): AppContext {
  const given = {
    ...givenParams({
      HEYGEN_API_VERSION: o.apiVersion,
      HEYGEN_AUDIO_SOURCE: o.audioSource,
      HEYGEN_POLL_CONCURRENCY: o.pollConcurrency,
    }),
    ...quotaParams(o.quotas),
  };
  const config = buildConfig(
    {
      ...parseParamValues(params),
      STORAGE_BUCKET: `${o.projectId}.appspot.com`,
      CORS_ORIGINS: "",
      ...given,
    },
    { projectId: o.projectId, isEmulator: true, defaultBucket: `${o.projectId}.appspot.com` },
  );
  const app = adminApp(o.projectId);
  return { app, db: getFirestore(app), auth: getAuth(app), config, clock: systemClock };
}

/** Deletes every document of a project in the Firestore emulator. */
export async function clearProject(projectId: string): Promise<void> {
  const res = await fetch(
    `http://${EMULATORS.firestore}/emulator/v1/projects/${projectId}/databases/(default)/documents`,
    { method: "DELETE" },
  );
  if (!res.ok) throw new Error(`clearing ${projectId} in the Firestore emulator: ${res.status}`);
}
