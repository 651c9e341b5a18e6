/**
 * From HeyGen's webhook to a completed project, through the stack's real
 * `heygen_webhook` function: videos are generated one after another for projects of
 * the stack's own project id (`demo-masky`, the one the functions emulator serves);
 * the simulator signs and POSTs `avatar_video.success` when each finishes rendering
 * and records when it sent it and when the answer came back. The function answers only
 * after it re-read the video at HeyGen and committed the project as `completed`, so
 * answer − send is the time from the event to the completed project; each project is
 * then read back to check it is `completed`. A first video warms the function up and
 * is not counted (the functions emulator starts a worker on the first request).
 */
import { generateVideo } from "../../src/services/heygen/generate-video";
import { LOCAL_PROJECT_ID } from "../local-stack/config";
import { until } from "../wait";
import { benchContext } from "./context";
import type { SimControl } from "./sim-control";
import { benchProject, benchUser } from "./user-media";

export interface WebhookLatency {
  samples: number[];
  p50: number;
  p95: number;
}

/** Nearest-rank percentile. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function measureWebhookLatency(
  params: Record<string, string>,
  sim: SimControl,
  n: number,
): Promise<WebhookLatency> {
  const app = benchContext(params, {
    projectId: LOCAL_PROJECT_ID,
    apiVersion: "v3",
    quotas: { videosPerUserPerDay: n + 1, heygenVideosPerDay: 10 * (n + 1) },
  });
  const user = await benchUser(app, "webhook");
  await sim.timings({ videoPendingMs: 300, videoProcessingMs: 700 });
  const videos: { projectId: string; videoId: string }[] = [];
  for (let i = 0; i <= n; i++) {
    const projectId = await benchProject(app, user, false);
    const { videoId } = await generateVideo(app, user.uid, {
      projectId,
      heygenAvatarId: "Daisy-inskirt-20220818",
    });
    if (videoId === null) throw new Error("generate with a stock avatar never defers");
    videos.push({ projectId, videoId });
  }
  const delivered = await until(
    `waiting for ${n + 1} accepted avatar_video.success deliveries`,
    120000,
    async () => {
      const deliveries = await sim.deliveries();
      const found = videos.map((v) =>
        deliveries.find(
          (d) =>
            d.videoId === v.videoId && d.eventType === "avatar_video.success" && d.result === 200,
        ),
      );
      return found.every(Boolean) ? found.map((d) => d as NonNullable<typeof d>) : null;
    },
    500,
  );
  for (const v of videos) {
    const status = (await app.db.doc(`projects/${v.projectId}`).get()).get("heygenStatus");
    if (status !== "completed")
      throw new Error(`project ${v.projectId} is ${status} after its webhook`);
  }
  const samples = delivered.slice(1).map((d) => d.at - d.sentAt);
  const sorted = [...samples].sort((a, b) => a - b);
  return { samples, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}
