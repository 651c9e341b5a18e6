/**
 * The local stack (`npm start`) as a child process of a tool that needs it for a
 * while (`npm run demo`, `npm run bench`): is one already up, start one and wait for
 * its ready line, stop it again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { FUNCTIONS_DIR } from "../harness/paths";
import { PORTS, localUrl } from "../ports";
import { READY_MARKER, emulatorsRunning } from "./config";

/** Whether a stack (the local Storage server and the emulators) already runs. */
export async function stackIsUp(): Promise<boolean> {
  const storageUp = await fetch(`${localUrl(PORTS.storage)}/storage/v1/b`, {
    signal: AbortSignal.timeout(2000),
  }).then(
    () => true,
    () => false,
  );
  return storageUp && (await emulatorsRunning());
}

/** Starts `npm start`'s stack as a child, its output in `logFile`; resolves once it is up. */
export async function startStack(logFile: string): Promise<ChildProcess> {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  const child = spawn(
    path.join(FUNCTIONS_DIR, "node_modules", ".bin", "tsx"),
    [path.join(FUNCTIONS_DIR, "devtools", "local-stack", "start.ts")],
    { stdio: ["ignore", "pipe", "pipe"], detached: false },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => reject(new Error(`the stack did not come up in 3 minutes; see ${logFile}`)),
      180000,
    );
    child.stdout?.on("data", (c: Buffer) => {
      seen = (seen + c.toString()).slice(-4000);
      if (seen.includes(READY_MARKER)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the stack exited (${code}) while starting; see ${logFile}`));
    });
  });
  return child;
}

/** Ctrl-C to the stack (it shuts the emulators down), SIGKILL after a minute. */
export async function stopStack(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGKILL"), 60000);
  await exited;
  clearTimeout(timer);
}

/**
 * Services run in the tool's own process log structured JSON lines (as in Cloud
 * Logging); they go to a file so that the tool's output stays readable.
 */
export function divertStructuredLogs(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const sink = createWriteStream(file, { flags: "a" });
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: string | Uint8Array) => boolean;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
      if (text.startsWith("{") && text.includes('"severity"')) return sink.write(text);
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  }
}
