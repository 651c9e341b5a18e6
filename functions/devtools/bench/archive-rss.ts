/**
 * Benchmark (not a test): archives a large simulated HeyGen video into the local
 * Storage server and samples this process's RSS, to show that archival streams. The
 * servers run in a process of their own (archive-servers.ts): their buffers used to be
 * counted in this RSS too, which made the figure swing between about 45 and 75 MB.
 *
 *   npx tsx devtools/bench/archive-rss.ts [sizeMB=300] [--json]
 *
 * Prints the file size, the baseline RSS and the peak RSS growth while streaming (with
 * --json, one JSON line: what `npm run bench` reads; it runs this in a child process of
 * its own, so that only the archival's memory is measured).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { Storage } from "@google-cloud/storage";
import { createHeygenClient } from "../../src/clients/heygen";
import { streamVideoToStorage } from "../../src/services/heygen/archive-video";
import { READY_PREFIX, type ArchiveServers } from "./archive-servers";

export interface ArchiveRss {
  sizeMb: number;
  ms: number;
  baselineMb: number;
  peakMb: number;
  growthMb: number;
}

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

/** Starts archive-servers.ts in its own process; resolves with its addresses. */
async function startServers(
  sizeMb: number,
): Promise<{ ready: ArchiveServers; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ["--require", "tsx/cjs", path.join(__dirname, "archive-servers.ts"), String(sizeMb)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise<ArchiveServers>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`archive-servers exited (${code})`)));
    lines.on("line", (line) => {
      if (line.startsWith(READY_PREFIX))
        resolve(JSON.parse(line.slice(READY_PREFIX.length)) as ArchiveServers);
    });
  });
  child.removeAllListeners("exit");
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    ready,
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

export async function measureArchiveRss(sizeMb: number): Promise<ArchiveRss> {
  const servers = await startServers(sizeMb);
  try {
    const { ready } = servers;
    const client = createHeygenClient(
      { apiVersion: "v3", apiBaseUrl: ready.apiUrl, uploadBaseUrl: ready.uploadUrl },
      ready.apiKey,
    );
    const bucket = new Storage({ apiEndpoint: ready.storageUrl, projectId: "demo-bench" }).bucket(
      "bench-bucket",
    );
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = Date.now();
    const bytes = await streamVideoToStorage(
      client,
      ready.videoId,
      bucket,
      "videos/bench/bench.mp4",
      [new URL(ready.apiUrl).host],
    );
    clearInterval(timer);
    return {
      sizeMb: mb(bytes),
      ms: Date.now() - started,
      baselineMb: mb(baseline),
      peakMb: mb(peak),
      growthMb: mb(peak - baseline),
    };
  } finally {
    await servers.stop();
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
