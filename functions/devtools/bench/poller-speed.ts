/**
 * The poller over N pending videos at a simulated HeyGen latency, at concurrency 1, 4
 * and 20: N real videos are created at the simulator (they stay pending: their
 * pending time is set past the bench), N projects point at them, and each run of
 * `pollHeygenVideos` reads them all. The simulator delays every answer by the latency
 * and meters the API requests in flight; each run asserts that the peak it saw never
 * exceeded the configured HEYGEN_POLL_CONCURRENCY.
 */
import { Timestamp, type WriteBatch } from "firebase-admin/firestore";
import { pollHeygenVideos } from "../../src/services/heygen/poll-videos";
import { heygenClientFor } from "../../src/services/heygen/client";
import { videoRunSchema } from "../../src/store/projects";
import { voiceMp3, fileSize } from "../fixtures/media";
import { BENCH_PROJECT_ID, benchContext, clearProject } from "./context";
import type { SimControl } from "./sim-control";
import { DEFAULT_TIMINGS } from "../heygen-sim/model";

export const POLL_CONCURRENCIES = [1, 4, 20] as const;

export interface PollerRun {
  concurrency: number;
  seconds: number;
  checked: number;
  /** Projects the run wrote (0 when the seeded state matches what HeyGen answers). */
  updated: number;
  peak: number;
}

/** N pending v3 videos at the simulator, and a project following each. */
async function seed(params: Record<string, string>, n: number): Promise<void> {
  const app = benchContext(params, { projectId: BENCH_PROJECT_ID, apiVersion: "v3" });
  const client = heygenClientFor(app, "v3");
  const mp3 = await voiceMp3(1);
  const audio = await client.uploadAudio(
    { path: mp3, contentType: "audio/mpeg", size: fileSize(mp3) },
    `bench-poller-${Date.now()}`,
  );
  const videoIds: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const { videoId } = await client.createVideo({
        audioAssetId: audio.assetId,
        character: { type: "avatar", avatarId: "Daisy-inskirt-20220818" },
        title: `bench poller ${i}`,
        callbackId: `bench-poller-${i}`,
        dimension: { width: 1280, height: 720 },
        idempotencyKey: `bench-poller-${Date.now()}-${i}`,
      });
      videoIds[i] = videoId;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const now = Timestamp.now();
  for (let from = 0; from < n; from += 400) {
    const batch: WriteBatch = app.db.batch();
    for (const [i, videoId] of videoIds.slice(from, from + 400).entries()) {
      batch.set(app.db.doc(`projects/bench-poller-${from + i}`), {
        userId: "bench-poller",
        name: `bench poller ${from + i}`,
        heygenVideoId: videoId,
        // What the simulator answers while the video waits: the poller writes nothing.
        heygenStatus: "waiting",
        step: "rendering",
        updatedAt: now,
        video: videoRunSchema.parse({ state: "pending", apiVersion: "v3", submittedAt: now }),
      });
    }
    await batch.commit();
  }
}

export async function measurePoller(
  params: Record<string, string>,
  sim: SimControl,
  n: number,
  latencyMs: number,
): Promise<PollerRun[]> {
  await clearProject(BENCH_PROJECT_ID);
  // Pending for a day: nothing renders, nothing changes while the poller reads.
  await sim.timings({ videoPendingMs: 24 * 3600 * 1000, requestLatencyMs: 0 });
  try {
    await seed(params, n);
    await sim.timings({ requestLatencyMs: latencyMs });
    const runs: PollerRun[] = [];
    for (const concurrency of POLL_CONCURRENCIES) {
      const app = benchContext(params, {
        projectId: BENCH_PROJECT_ID,
        pollConcurrency: concurrency,
      });
      await sim.resetPeak();
      const started = process.hrtime.bigint();
      const report = await pollHeygenVideos(app, { budgetMs: 10 * 60 * 1000 });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const { peak } = await sim.concurrency();
      if (report.checked !== n || report.updated !== 0 || report.transientErrors !== 0)
        throw new Error(
          `poller at ${concurrency}: expected ${n} quiet reads, got ${JSON.stringify(report)}`,
        );
      if (peak > app.config.heygen.pollConcurrency)
        throw new Error(
          `poller at ${concurrency}: the simulator saw ${peak} requests at once, above HEYGEN_POLL_CONCURRENCY ${app.config.heygen.pollConcurrency}`,
        );
      runs.push({ concurrency, seconds, checked: report.checked, updated: report.updated, peak });
    }
    return runs;
  } finally {
    await sim.timings({
      videoPendingMs: DEFAULT_TIMINGS.videoPendingMs,
      requestLatencyMs: 0,
    });
    await clearProject(BENCH_PROJECT_ID);
  }
}
