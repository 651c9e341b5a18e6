/**
 * `npm run test:repeat -- N [spec files…]`: runs the suite N times, one fresh emulator
 * start each (exactly what `npm test` does), and reports every run: pass/fail, duration,
 * passing/failing counts and the failing tests' names. A run's full output goes to
 * `.cache/test-repeat/run-<i>.log`, its mocha results to `run-<i>.json`. The exit code
 * is non-zero when any run failed. Flakiness shows here, not in one lucky run.
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { CACHE_DIR, REPO_ROOT } from "./paths";

const resultsSchema = z.object({
  stats: z.object({ passes: z.number(), failures: z.number(), pending: z.number() }),
  failures: z.array(
    z.object({ fullTitle: z.string(), err: z.object({ message: z.string().optional() }) }),
  ),
});

export interface RunReport {
  run: number;
  ok: boolean;
  seconds: number;
  exitCode: number;
  passes: number | null;
  failures: { title: string; message: string }[];
  log: string;
}

function runOnce(run: number, dir: string, specs: string[]): Promise<RunReport> {
  const log = path.join(dir, `run-${run}.log`);
  const json = path.join(dir, `run-${run}.json`);
  rmSync(json, { force: true });
  const out = createWriteStream(log);
  const started = Date.now();
  const child = spawn(
    path.join(REPO_ROOT, "functions", "node_modules", ".bin", "tsx"),
    [
      path.join(REPO_ROOT, "functions", "devtools", "harness", "run-tests.ts"),
      "--reporter=json",
      `--reporter-option=output=${json}`,
      ...specs,
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  return new Promise((resolve) => {
    child.on("close", (code) => {
      out.end();
      const seconds = (Date.now() - started) / 1000;
      const parsed = existsSync(json)
        ? resultsSchema.safeParse(JSON.parse(readFileSync(json, "utf8")))
        : null;
      const failures = parsed?.success
        ? parsed.data.failures.map((f) => ({
            title: f.fullTitle,
            message: (f.err.message ?? "").split("\n")[0].slice(0, 200),
          }))
        : [];
      resolve({
        run,
        ok: code === 0 && Boolean(parsed?.success) && failures.length === 0,
        seconds,
        exitCode: code ?? 1,
        passes: parsed?.success ? parsed.data.stats.passes : null,
        failures,
        log,
      });
    });
  });
}

async function main(): Promise<void> {
  const [countArg, ...specs] = process.argv.slice(2);
  const count = Number(countArg ?? "");
  if (!Number.isInteger(count) || count < 1) {
    console.error("usage: npm run test:repeat -- <N ≥ 1> [spec files…]");
    process.exit(2);
  }
  const dir = path.join(CACHE_DIR, "test-repeat");
  mkdirSync(dir, { recursive: true });
  const reports: RunReport[] = [];
  for (let i = 1; i <= count; i++) {
    process.stdout.write(`run ${i}/${count} … `);
    const r = await runOnce(i, dir, specs);
    reports.push(r);
    const counts = r.passes === null ? "no mocha results" : `${r.passes} passing`;
    console.log(
      `${r.ok ? "pass" : "FAIL"}  ${r.seconds.toFixed(1)} s  ${counts}, ${r.failures.length} failing` +
        (r.ok ? "" : `  (exit ${r.exitCode}, log ${path.relative(REPO_ROOT, r.log)})`),
    );
    for (const f of r.failures) console.log(`    ✗ ${f.title}: ${f.message}`);
  }
  const passed = reports.filter((r) => r.ok).length;
  const secs = reports.map((r) => r.seconds);
  console.log(
    `\n${passed}/${count} runs passed; duration min ${Math.min(...secs).toFixed(1)} s, ` +
      `max ${Math.max(...secs).toFixed(1)} s, mean ${(secs.reduce((a, b) => a + b, 0) / count).toFixed(1)} s`,
  );
  process.exit(passed === count ? 0 : 1);
}

void main();
