/**
 * Benchmark (not a test): archives a large simulated HeyGen video into the local
 * Storage server and samples this process's RSS, to show that archival streams.
 *
 *   npx tsx devtools/bench/archive-rss.ts [sizeMB=300] [--json]
 *
 * Prints the file size, the baseline RSS and the peak RSS growth while streaming (with
 * --json, one JSON line: what `npm run bench` reads; it runs this in a child process of
 * its own, so that only the archival's memory is measured).
 */
import { createWriteStream, promises as fsp } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { Storage } from "@google-cloud/storage";
import { startHeygenSim } from "../heygen-sim/server";
import { startStorageServer } from "../storage-server/server";
import { createHeygenClient } from "../../src/clients/heygen";
import { runFfmpeg } from "../../src/services/media/ffmpeg";
import { streamVideoToStorage } from "../../src/services/heygen/archive-video";

export interface ArchiveRss {
  sizeMb: number;
  ms: number;
  baselineMb: number;
  peakMb: number;
  growthMb: number;
}

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

export async function measureArchiveRss(sizeMb: number): Promise<ArchiveRss> {
  const storage = await startStorageServer();
  const sim = await startHeygenSim({ timings: { videoPendingMs: 10, videoProcessingMs: 10 } });
  try {
    const client = createHeygenClient(
      { apiVersion: "v3", apiBaseUrl: sim.apiUrl, uploadBaseUrl: sim.uploadUrl },
      sim.apiKey,
    );
    const audioPath = `${sim.model.videoFile("bench-audio")}.mp3`;
    await runFfmpeg(["-y", "-f", "lavfi", "-i", "sine=duration=1", audioPath]);
    const size = (await fsp.stat(audioPath)).size;
    const audio = await client.uploadAudio(
      { path: audioPath, contentType: "audio/mpeg", size },
      "bench",
    );
    const { videoId } = await client.createVideo({
      character: { type: "avatar", avatarId: "Daisy-inskirt-20220818" },
      audioAssetId: audio.assetId,
      title: "bench",
      callbackId: "bench",
      dimension: { width: 1280, height: 720 },
      idempotencyKey: "bench",
    });
    while ((await client.getVideo(videoId)).status !== "completed")
      await new Promise((r) => setTimeout(r, 50));
    // Replace the rendered file with a large one, written in 1 MB chunks.
    const chunk = Buffer.alloc(1024 * 1024, 0x42);
    await pipeline(
      Readable.from(
        (function* () {
          for (let i = 0; i < sizeMb; i++) yield chunk;
        })(),
      ),
      createWriteStream(sim.model.videoFile(videoId)),
    );
    const bucket = new Storage({ apiEndpoint: storage.url, projectId: "demo-bench" }).bucket(
      "bench-bucket",
    );
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = Date.now();
    const bytes = await streamVideoToStorage(client, videoId, bucket, "videos/bench/bench.mp4", [
      new URL(sim.apiUrl).host,
    ]);
    clearInterval(timer);
    return {
      sizeMb: mb(bytes),
      ms: Date.now() - started,
      baselineMb: mb(baseline),
      peakMb: mb(peak),
      growthMb: mb(peak - baseline),
    };
  } finally {
    await sim.close();
    await storage.close();
  }
}

async function main(): Promise<void> {
  const sizeMb = Number(process.argv[2] ?? 300);
  const r = await measureArchiveRss(sizeMb);
  if (process.argv.includes("--json")) return void console.log(JSON.stringify(r));
  console.log(`archived ${r.sizeMb} MB in ${r.ms} ms`);
  console.log(`RSS baseline ${r.baselineMb} MB, peak ${r.peakMb} MB, growth ${r.growthMb} MB`);
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(err);
    process.exit(1);
  });
}
