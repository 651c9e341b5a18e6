/**
 * `npm run bench`: measured figures of the backend on the local stack (issue 13 item
 * 10), side by side in one run; prints a table and writes bench/results.json (a full
 * run also regenerates the README's table from it). `BENCH_QUICK=1` runs small sizes
 * (CI) and writes bench/results.quick.json instead, leaving the committed figures alone.
 *
 * Uses the stack `npm start` runs when it is up, else starts it (and stops it at the
 * end), like `npm run demo`. Run it under the shared emulator lock. Speed goals live
 * here only, never in the tests.
 */
import type { ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CACHE_DIR, FUNCTIONS_DIR, REPO_ROOT } from "../harness/paths";
import { ensureDevSigner } from "../dev-signer";
import { PORTS, localUrl } from "../ports";
import { DEFAULT_TIMINGS } from "../heygen-sim/model";
import {
  LOCAL_PROJECT_ID,
  ensureLocalConfig,
  useStackFromThisProcess,
} from "../local-stack/config";
import { divertStructuredLogs, stackIsUp, startStack, stopStack } from "../local-stack/child";
import type { ArchiveRss } from "./archive-rss";
import { measureAvatarJobCost } from "./avatar-job-cost";
import { measureAvSync } from "./av-sync";
import { measureColdStart } from "./cold-start";
import { BENCH_PROJECT_ID, benchContext, clearProject } from "./context";
import { installFirestoreMeter } from "./firestore-meter";
import { measureGenerateCosts, type GenerateCost } from "./generate-costs";
import { measurePoller } from "./poller-speed";
import { measurePollerRefresh } from "./poller-refresh";
import { r1, r2, renderTable, updateReadme, type BenchResults } from "./results";
import { SimControl } from "./sim-control";
import { measureWebhookLatency } from "./webhook-latency";
import { measureReference } from "../speech-reference/measure";
import { REFERENCE_CLASSES } from "../speech-reference/reference-set";

const QUICK = process.env.BENCH_QUICK === "1";
const SIZES = QUICK
  ? { coldStartRounds: 3, pollerN: 50, latencyMs: 100, webhookN: 3, archiveMb: 20 }
  : { coldStartRounds: 7, pollerN: 1000, latencyMs: 100, webhookN: 20, archiveMb: 200 };
const OUT_DIR = path.join(CACHE_DIR, "bench");
const STACK_LOG = path.join(OUT_DIR, "stack.log");
const FUNCTION_LOG = path.join(OUT_DIR, "services.log");

async function stage<T>(title: string, run: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  process.stdout.write(`- ${title} … `);
  const result = await run();
  console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** Archival in a child process of its own: only its memory is in the RSS. */
function archiveRss(sizeMb: number): ArchiveRss {
  const out = execFileSync(
    process.execPath,
    [
      "--expose-gc",
      "--require",
      "tsx/cjs",
      path.join(__dirname, "archive-rss.ts"),
      String(sizeMb),
      "--json",
    ],
    { cwd: FUNCTIONS_DIR, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  const line = out.split("\n").find((l) => l.startsWith('{"sizeMb"'));
  if (!line) throw new Error(`archive-rss printed no result:\n${out.slice(-2000)}`);
  return JSON.parse(line) as ArchiveRss;
}

const pick = (
  costs: GenerateCost[],
  v: "v2" | "v3",
  source: "upload" | "url",
  g: "first" | "repeat",
) => {
  const c = costs.find((x) => x.apiVersion === v && x.audioSource === source && x.generate === g);
  if (!c) throw new Error(`no ${v} ${source} ${g} generate measured`);
  return c;
};

async function main(): Promise<number> {
  const { params, secrets } = ensureLocalConfig();
  const simulated = (url: string | undefined, ports: number[]) =>
    ports.some((p) => url?.startsWith(localUrl(p)));
  if (
    !simulated(params.HEYGEN_API_BASE_URL, [PORTS.heygenApi]) ||
    !simulated(params.PROVIDER_API_BASE_URL, [PORTS.avatarSdk, PORTS.in3d, PORTS.didimo])
  ) {
    console.error(
      "The bench runs against the simulators; functions/.env.local points at a real API.",
    );
    return 2;
  }
  console.log(`Masky bench (${QUICK ? "BENCH_QUICK=1: small sizes" : "full sizes"})\n`);
  const started = Date.now();
  let child: ChildProcess | null = null;
  const sim = new SimControl(params.HEYGEN_API_BASE_URL);
  try {
    if (await stackIsUp()) console.log("- local stack: already running (npm start), used as is");
    else
      child = await stage("local stack: starting emulators + simulators (npm start)", () =>
        startStack(STACK_LOG),
      );
    const measuring = Date.now();
    divertStructuredLogs(FUNCTION_LOG);
    const signer = ensureDevSigner(CACHE_DIR, LOCAL_PROJECT_ID);
    useStackFromThisProcess(params, secrets, signer.credentialsFile);
    installFirestoreMeter();
    await sim.timings(DEFAULT_TIMINGS);
    await clearProject(BENCH_PROJECT_ID);

    const cold = await stage(
      `cold-start import, ${SIZES.coldStartRounds} rounds of child processes`,
      () => measureColdStart(SIZES.coldStartRounds),
    );
    const costs = await stage(
      "generate: HeyGen calls and Firestore, v2/v3 × upload/url × first/repeat",
      () => measureGenerateCosts(params, sim),
    );
    const job = await stage("photoreal job: Firestore from POST to done", () =>
      measureAvatarJobCost(params),
    );
    const poller = await stage(
      `poller: ${SIZES.pollerN} pending at ${SIZES.latencyMs} ms, concurrency 1, 4, 20`,
      () => measurePoller(params, sim, SIZES.pollerN, SIZES.latencyMs),
    );
    const refresh = await stage(
      `poller: ${SIZES.pollerN} completed videos, status reads of one run`,
      () => measurePollerRefresh(params, sim, SIZES.pollerN),
    );
    const webhook = await stage(`webhook → completed: ${SIZES.webhookN} videos (+1 warm-up)`, () =>
      measureWebhookLatency(params, sim, SIZES.webhookN),
    );
    const archive = await stage(
      `archival of ${SIZES.archiveMb} MB, RSS sampled in a child process`,
      () => archiveRss(SIZES.archiveMb),
    );
    const speech = await stage(
      "speech timeline: espeak-ng reference set, CPU and scores (+ the browser heuristic)",
      () => measureReference(),
    );

    const avSync = await stage(
      "3D viewer: audio/visual sync of a speech timeline in headless Chromium",
      () => measureAvSync(benchContext(params, { projectId: LOCAL_PROJECT_ID })),
    );

    const secondsAt = (c: number) => poller.find((p) => p.concurrency === c)?.seconds ?? NaN;
    const results: BenchResults = {
      heygenCalls: {
        v2: {
          first: pick(costs, "v2", "url", "first").heygenCalls,
          repeat: pick(costs, "v2", "url", "repeat").heygenCalls,
        },
        v3: {
          first: pick(costs, "v3", "url", "first").heygenCalls,
          repeat: pick(costs, "v3", "url", "repeat").heygenCalls,
        },
      },
      firestore: {
        generate: pick(costs, "v3", "upload", "repeat").firestore,
        avatarJob: { reads: job.reads, writes: job.writes },
      },
      coldStart: { ratio: r2(cold.ratio) },
      poller: {
        n: SIZES.pollerN,
        latencyMs: SIZES.latencyMs,
        seconds: { "1": r2(secondsAt(1)), "4": r2(secondsAt(4)), "20": r2(secondsAt(20)) },
        speedup: { "4": r1(secondsAt(1) / secondsAt(4)), "20": r1(secondsAt(1) / secondsAt(20)) },
      },
      pollerRefresh: refresh,
      archiveRssMb: r1(archive.growthMb),
      webhookToCompletedMs: { p50: Math.round(webhook.p50), p95: Math.round(webhook.p95) },
      timeline: {
        msPerAudioSecond: r2(speech.msPerAudioSecond),
        xRealTime: Math.round(1000 / speech.msPerAudioSecond),
        reference: Object.fromEntries(
          REFERENCE_CLASSES.map((c) => [c, r2(speech.timeline.classes[c].shown)]),
        ) as BenchResults["timeline"]["reference"],
        silenceShare: r2(speech.timeline.silenceShare),
      },
      avSync: { offsetMs: avSync.offsetMs },
    };

    console.log(`\n${renderTable(results)}\n`);
    console.log("Details (not in results.json):");
    for (const c of costs)
      console.log(
        `  ${c.apiVersion} ${c.audioSource.padEnd(6)} ${c.generate.padEnd(6)} ${String(c.heygenCalls).padStart(2)} HeyGen calls, Firestore ${c.firestore.reads} reads / ${c.firestore.writes} writes: ${c.callList.join(", ")}`,
      );
    console.log(
      `  photoreal job on ${job.provider}: ${job.sweeps} sweeps (one a second) until done`,
    );
    console.log(
      `  cold start medians: lib/index.js ${cold.libMs.toFixed(0)} ms, bare ${cold.bareMs.toFixed(0)} ms`,
    );
    for (const p of poller)
      console.log(
        `  poller at ${p.concurrency}: ${p.checked} read, ${p.updated} written, peak ${p.peak} in flight at HeyGen`,
      );
    console.log(
      `  archival: ${archive.sizeMb} MB in ${archive.ms} ms, RSS ${archive.baselineMb} → ${archive.peakMb} MB`,
    );
    console.log(`  webhook samples (ms): ${webhook.samples.join(", ")}`);
    const share = (x: number) => `${Math.round(x * 100)} %`;
    console.log(
      `  speech: ${speech.audioSeconds.toFixed(1)} s reference set; ${speech.tenSeconds.audioSeconds.toFixed(1)} s of speech to a timeline with words, decode included, in ${Math.round(speech.tenSeconds.wallMs)} ms`,
    );
    for (const c of REFERENCE_CLASSES) {
      const t = speech.timeline.classes[c];
      const b = speech.browser.classes[c];
      console.log(
        `  ${c.padEnd(11)} timeline shown ${share(t.shown)}, elsewhere ${share(t.shownElsewhere)}; browser heuristic shown ${share(b.shown)}, elsewhere ${share(b.shownElsewhere)}`,
      );
    }
    console.log(
      `  silence shown as rest: timeline ${share(speech.timeline.silenceShare)} (${share(speech.noisy.timeline.silenceShare)} with noise at −50 dBFS), browser heuristic ${share(speech.browser.silenceShare)} (${share(speech.noisy.browser.silenceShare)})`,
    );

    console.log(
      `  3D viewer sync: ${avSync.measured} of ${avSync.segments} viseme segments measured (${avSync.continued} continued a shape, ${avSync.notShown} blended away), ${avSync.frames} frames over ${avSync.audioSeconds} s of espeak-ng speech`,
    );

    const file = path.join(REPO_ROOT, "bench", QUICK ? "results.quick.json" : "results.json");
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    if (!QUICK) updateReadme(path.join(REPO_ROOT, "README.md"), results);
    console.log(
      `\nWrote ${path.relative(process.cwd(), file)}${QUICK ? "" : " and the README's table"}; measurements ${((Date.now() - measuring) / 1000).toFixed(0)} s, total ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    );
    return 0;
  } catch (err) {
    console.error(`\nBench failed: ${(err as Error).stack ?? String(err)}`);
    console.error(`Logs: ${STACK_LOG}, ${FUNCTION_LOG}`);
    return 1;
  } finally {
    await sim.timings(DEFAULT_TIMINGS).catch(() => undefined);
    if (child) {
      process.stdout.write("Stopping the stack the bench started … ");
      await stopStack(child);
      console.log("stopped.");
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);
