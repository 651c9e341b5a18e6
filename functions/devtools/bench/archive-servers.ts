/**
 * The servers of the archival benchmark, in a process of their own (archive-rss.ts
 * starts it): the local Storage server and the HeyGen simulator with one completed
 * video whose file is replaced by `sizeMB` of data. Prints one JSON line with their
 * addresses and the video id, then serves until stdin closes. Apart from the process
 * that archives, so that the simulators' own buffers are not counted in its RSS.
 *
 *   npx tsx devtools/bench/archive-servers.ts <sizeMB>
 */
import { createWriteStream, promises as fsp } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { startHeygenSim } from "../heygen-sim/server";
import { startStorageServer } from "../storage-server/server";
import { runFfmpeg } from "../../src/services/media/ffmpeg";
import { createHeygenClient } from "../../src/clients/heygen";

/** Starts the line with the addresses (the simulators log JSON lines too). */
export const READY_PREFIX = "archive-servers ready: ";

export interface ArchiveServers {
  storageUrl: string;
  apiUrl: string;
  uploadUrl: string;
  apiKey: string;
  videoId: string;
}

async function main(): Promise<void> {
  const sizeMb = Number(process.argv[2] ?? 300);
  const storage = await startStorageServer();
  const sim = await startHeygenSim({ timings: { videoPendingMs: 10, videoProcessingMs: 10 } });
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
  const ready: ArchiveServers = {
    storageUrl: storage.url,
    apiUrl: sim.apiUrl,
    uploadUrl: sim.uploadUrl,
    apiKey: sim.apiKey,
    videoId,
  };
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(ready)}\n`);
  const stop = async () => {
    await sim.close();
    await storage.close();
    process.exit(0);
  };
  process.stdin.on("end", () => void stop());
  process.stdin.on("close", () => void stop());
  process.stdin.resume();
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(err);
    process.exit(1);
  });
}
