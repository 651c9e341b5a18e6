/**
 * ffmpeg for the simulators and fixtures: the static binary of @ffmpeg-installer/ffmpeg,
 * run directly. The simulators stand in for HeyGen and the providers, so they share
 * no code with the backend under test (functions/src).
 */
import { spawn } from "node:child_process";

function ffmpegBinary(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("@ffmpeg-installer/ffmpeg") as { path: string }).path;
}

/** The output's duration in seconds: the last `time=` progress stamp, else `Duration:`. */
function durationOf(stderr: string): number | null {
  const stamps = [...stderr.matchAll(/(?:time=|Duration: )(\d+):(\d+):(\d+(?:\.\d+)?)/g)];
  const last = stamps.filter((m) => m[0].startsWith("time=")).pop() ?? stamps[0];
  return last ? Number(last[1]) * 3600 + Number(last[2]) * 60 + Number(last[3]) : null;
}

/** Runs ffmpeg (no stdin, banner off); resolves with the output duration, rejects with its last lines. */
export function ffmpeg(args: string[], timeoutMs = 120000): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegBinary(), ["-hide_banner", "-nostdin", ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-32 * 1024);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(durationOf(stderr));
      else {
        const tail = stderr.trim().split("\n").slice(-3).join(" | ");
        reject(new Error(`ffmpeg failed (${signal ?? code}): ${tail}`));
      }
    });
  });
}
