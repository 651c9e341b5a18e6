/**
 * The poller's status reads in one run over N completed videos: a tenth are due for a
 * URL renewal (`urlRefreshAt` past: real videos at the simulator), four tenths are due
 * later, half are archived (never renewed). A run must read only the due ones: the
 * other ids do not exist at the simulator, so reading one would show as an error.
 */
import { Timestamp, type WriteBatch } from "firebase-admin/firestore";
import { pollHeygenVideos } from "../../src/services/heygen/poll-videos";
import { heygenClientFor } from "../../src/services/heygen/client";
import { videoRunSchema } from "../../src/store/projects";
import { voiceMp3, fileSize } from "../fixtures/media";
import { BENCH_PROJECT_ID, benchContext, clearProject } from "./context";
import type { SimControl } from "./sim-control";
import { DEFAULT_TIMINGS } from "../heygen-sim/model";

export interface RefreshRun {
  completed: number;
  due: number;
  /** HeyGen status reads of the run. */
  reads: number;
}

type Kind = "due" | "later" | "archived";
const kindOf = (i: number): Kind => (i % 10 === 0 ? "due" : i % 2 === 1 ? "archived" : "later");

export async function measurePollerRefresh(
  params: Record<string, string>,
  sim: SimControl,
  n: number,
): Promise<RefreshRun> {
  await clearProject(BENCH_PROJECT_ID);
  // Pending for a day: the due videos' reads change nothing while the run reads them.
  await sim.timings({ videoPendingMs: 24 * 3600 * 1000, requestLatencyMs: 0 });
  const app = benchContext(params, { projectId: BENCH_PROJECT_ID, apiVersion: "v3" });
  try {
    const client = heygenClientFor(app, "v3");
    const mp3 = await voiceMp3(1);
    const audio = await client.uploadAudio(
      { path: mp3, contentType: "audio/mpeg", size: fileSize(mp3) },
      `bench-refresh-${Date.now()}`,
    );
    const now = Date.now();
    for (let from = 0; from < n; from += 400) {
      const batch: WriteBatch = app.db.batch();
      for (let i = from; i < Math.min(n, from + 400); i++) {
        const kind = kindOf(i);
        const videoId =
          kind === "due"
            ? (
                await client.createVideo({
                  audioAssetId: audio.assetId,
                  character: { type: "avatar", avatarId: "Daisy-inskirt-20220818" },
                  title: `bench refresh ${i}`,
                  callbackId: `bench-refresh-${i}`,
                  dimension: { width: 1280, height: 720 },
                  idempotencyKey: `bench-refresh-${now}-${i}`,
                })
              ).videoId
            : `absent${i.toString(16).padStart(8, "0")}`;
        batch.set(app.db.doc(`projects/bench-refresh-${i}`), {
          userId: "bench-refresh",
          name: `bench refresh ${i}`,
          heygenVideoId: videoId,
          heygenStatus: "completed",
          step: "done",
          updatedAt: Timestamp.fromMillis(now),
          video: videoRunSchema.parse({
            state: "completed",
            apiVersion: "v3",
            submittedAt: Timestamp.fromMillis(now - 3600_000),
          }),
          urlRefreshAt:
            kind === "due"
              ? Timestamp.fromMillis(now - 60_000)
              : kind === "later"
                ? Timestamp.fromMillis(now + 30 * 60_000)
                : null,
        });
      }
      await batch.commit();
    }
    const report = await pollHeygenVideos(app, { budgetMs: 10 * 60 * 1000 });
    const due = Array.from({ length: n }, (_, i) => kindOf(i)).filter((k) => k === "due").length;
    if (report.transientErrors !== 0)
      throw new Error(`poller refresh: a video not due was read (${JSON.stringify(report)})`);
    return { completed: n, due, reads: report.checked };
  } finally {
    await sim.timings({ videoPendingMs: DEFAULT_TIMINGS.videoPendingMs, requestLatencyMs: 0 });
    await clearProject(BENCH_PROJECT_ID);
  }
}
