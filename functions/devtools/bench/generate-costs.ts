/**
 * What one `generate` costs: HeyGen calls (counted at the simulator's call log) and
 * Firestore reads/writes (counted on the wire in this process, firestore-meter.ts),
 * for a first generate (new user, new photo: look created) and a repeat generate (same
 * user, same photo: the look is reused), on both API versions and both audio sources.
 */
import { generateVideo } from "../../src/services/heygen/generate-video";
import { BENCH_PROJECT_ID, benchContext } from "./context";
import { meterFirestore, type FirestoreCount } from "./firestore-meter";
import type { SimControl } from "./sim-control";
import { benchProject, benchUser } from "./user-media";

export interface GenerateCost {
  apiVersion: "v2" | "v3";
  audioSource: "upload" | "url";
  generate: "first" | "repeat";
  heygenCalls: number;
  /** The calls in order, e.g. "POST /v3/assets". */
  callList: string[];
  firestore: FirestoreCount;
}

export async function measureGenerateCosts(
  params: Record<string, string>,
  sim: SimControl,
): Promise<GenerateCost[]> {
  const costs: GenerateCost[] = [];
  for (const apiVersion of ["v2", "v3"] as const) {
    for (const audioSource of ["upload", "url"] as const) {
      const app = benchContext(params, { projectId: BENCH_PROJECT_ID, apiVersion, audioSource });
      const user = await benchUser(app, `${apiVersion}-${audioSource}`, 3);
      for (const generate of ["first", "repeat"] as const) {
        const projectId = await benchProject(app, user);
        await sim.reset();
        const { reads, writes } = await meterFirestore(() =>
          generateVideo(app, user.uid, { projectId }),
        );
        const calls = await sim.calls();
        costs.push({
          apiVersion,
          audioSource,
          generate,
          heygenCalls: calls.length,
          callList: calls.map((c) => `${c.method} ${c.path}`),
          firestore: { reads, writes },
        });
      }
    }
  }
  return costs;
}
